namespace BotBottle.Sidecar.Egress;

/// <summary>
/// Keeps long CPU work off the socket event threads. The sidecar runs socket continuations inline on the runtime's
/// epoll threads (<see cref="SidecarApplication.TuneRuntime"/>), so the proxy's per-request code runs there without a
/// thread-pool hand-off; a scan of a large body would hold that thread and stall every other connection it serves, so
/// such work first moves to a thread-pool worker.
/// </summary>
internal static class EventThread
{
    /// <summary>Content (bytes) scanned in place: a DLP scan of this much takes well under 0.1 ms.</summary>
    public const int InlineScanBytes = 16 * 1024;

    /// <summary>
    /// <see langword="true"/> when a scan of <paramref name="bytes"/> should not run on the current thread: it is larger
    /// than <see cref="InlineScanBytes"/> and the current thread is not a thread-pool worker (an event thread). Callers
    /// then <c>await Task.Yield()</c>, which continues on a worker.
    /// </summary>
    public static bool ShouldLeave(long bytes) => bytes > InlineScanBytes && !Thread.CurrentThread.IsThreadPoolThread;
}
