/**
 * Test helpers shared by every module through the vault test-jar: in-memory disks
 * ({@link coffer.testing.ByteArrayBlockSource}, {@link coffer.testing.ByteArrayBlockSink}), deterministic data
 * ({@link coffer.testing.TestData}, {@link coffer.testing.DiskImage}), printed seeds
 * ({@link coffer.testing.TestSeed}), fault injection ({@link coffer.testing.CrashingBackend} for crashes,
 * {@link coffer.testing.PowerLossBackend} for lost unsynced writes, {@link coffer.testing.FaultyBackend} for
 * failing and slow calls, {@link coffer.testing.SizeLimitedBackend} for a full file system; {@link coffer.testing.ForwardingBackend} to
 * write more), a settable
 * clock, a vault short-hand ({@link coffer.testing.TestVault}, {@link coffer.testing.VaultFlavour}), the one way to
 * wait for a condition ({@link coffer.testing.Await}, docs/reliability.md "Tests that wait"), disks with chosen files
 * for the tests of a point's files ({@link coffer.testing.DiskWithFiles}) and the integration-test environment
 * ({@link coffer.testing.Environment}).
 *
 * <p>Real components only: no mocks. Nothing here holds global mutable state.
 */
package coffer.testing;
