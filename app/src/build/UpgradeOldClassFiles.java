import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step of the runnable jar (run by app/pom.xml after shading): rewrites the class files older than
 * Java 6 (major version below 50) under the given packages as Java 8 class files with stack maps, in place
 * in the jar.
 *
 * <p>Why: the JVM's ahead-of-time cache (JEP 483), which the {@code coffer} launcher records once per build,
 * cannot hold classes in the old format, so they are loaded, parsed and verified from the jar on every run.
 * picocli ships such classes (it targets Java 5); parsing a command line took ~0.2 s of every command's
 * start-up, ~0.1 s with the upgraded classes cached (docs/performance.md). The bytecode is unchanged; only
 * the version and the stack map frames (computed by the JDK's class-file API) are new. A class the API
 * cannot rewrite (e.g. one using the jsr instruction) is left as it was. Only the packages named are touched
 * (the jar holds other old classes, e.g. ASM's for Jetty, that no command's start-up loads).
 *
 * <p>Usage: {@code java UpgradeOldClassFiles.java JAR PACKAGE...} (e.g. {@code picocli}). Prints how many
 * classes it rewrote; fails when there was none to rewrite (the step would be stale: remove it).
 */
public final class UpgradeOldClassFiles {
    private static final int FIRST_WITH_STACK_MAPS = 50;
    private static final int TARGET_MAJOR = 52;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java UpgradeOldClassFiles.java JAR PACKAGE...");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        List<String> packages = Stream.of(args).skip(1).map(p -> "/" + p.replace('.', '/') + "/").toList();
        List<String> names = new ArrayList<>();
        int kept = 0;
        // superclasses for stack map frames come from the jar itself, then from the JDK
        try (URLClassLoader classes = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            ClassFile classFile = ClassFile.of(
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(classes))),
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS);
            ClassTransform upgrade = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                    .andThen((builder, element) -> {
                        if (element instanceof ClassFileVersion) {
                            builder.withVersion(TARGET_MAJOR, 0);
                        } else {
                            builder.with(element);
                        }
                    });
            List<Path> files;
            try (Stream<Path> walk = Files.walk(zip.getPath("/"))) {
                files = walk.filter(p -> p.toString().endsWith(".class")
                        && packages.stream().anyMatch(p.toString()::startsWith)).toList();
            }
            for (Path file : files) {
                byte[] original = Files.readAllBytes(file);
                if (majorVersion(original) >= FIRST_WITH_STACK_MAPS) {
                    continue;
                }
                try {
                    ClassModel model = classFile.parse(original);
                    Files.write(file, classFile.transformClass(model, upgrade));
                    names.add(model.thisClass().asInternalName().replace('/', '.'));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    kept++;
                    System.err.println("UpgradeOldClassFiles: kept " + file + " as it was: " + e.getMessage());
                }
            }
        }
        int upgraded = names.size();
        if (upgraded == 0) {
            System.err.println("UpgradeOldClassFiles: no old class file under " + packages + " in " + jar);
            System.exit(1);
        }
        verify(jar, names);
        System.out.println("UpgradeOldClassFiles: " + upgraded + " class file(s) upgraded to version "
                + TARGET_MAJOR + (kept > 0 ? ", " + kept + " kept" : "") + " in " + jar.getFileName());
    }

    /**
     * Loads, links and initialises every rewritten class from the rewritten jar: from version 51 on the JVM
     * verifies with the stack maps only (no fallback), so a wrong frame fails the build here, not a command.
     */
    private static void verify(Path jar, List<String> names) throws IOException {
        try (URLClassLoader rewritten = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String name : names) {
                try {
                    Class.forName(name, true, rewritten);
                } catch (ClassNotFoundException | LinkageError e) {
                    System.err.println("UpgradeOldClassFiles: " + name + " does not load after the rewrite: " + e);
                    System.exit(1);
                }
            }
        }
    }

    private static int majorVersion(byte[] classFile) {
        return classFile.length < 8 ? Integer.MAX_VALUE : ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }
}
