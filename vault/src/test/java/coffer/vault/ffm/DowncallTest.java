package coffer.vault.ffm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DowncallTest {
    private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();

    @Test
    void bindsOnTheFirstCallAndKeepsThatHandle() throws Throwable {
        Downcall getpid = Downcall.find(LIBC, "getpid", "no getpid", FunctionDescriptor.of(JAVA_INT));
        MethodHandle bound = getpid.handle();
        assertEquals(ProcessHandle.current().pid(), (int) bound.invokeExact());
        assertSame(bound, getpid.handle());
    }

    @Test
    void threadsCallingFirstTogetherGetOneBinding() throws Exception {
        Downcall getpid = Downcall.find(LIBC, "getpid", "no getpid", FunctionDescriptor.of(JAVA_INT));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<MethodHandle>> handles = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                handles.add(threads.submit(() -> {
                    start.await();
                    return getpid.handle();
                }));
            }
            start.countDown();
            for (Future<MethodHandle> handle : handles) {
                assertSame(getpid.handle(), handle.get());
            }
        }
    }

    @Test
    void aMissingSymbolFailsWhereItIsLookedUpWithTheGivenMessage() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> Downcall.find(LIBC,
                "coffer_no_such_function", "no coffer_no_such_function in libc", FunctionDescriptor.ofVoid()));
        assertEquals("no coffer_no_such_function in libc", e.getMessage());
    }
}
