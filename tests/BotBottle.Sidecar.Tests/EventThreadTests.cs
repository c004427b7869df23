using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>Large scans leave the socket event thread; small ones and work already on a pool worker stay put.</summary>
public class EventThreadTests
{
    [Fact]
    public void A_dedicated_thread_leaves_only_for_large_scans()
    {
        // A thread that is not a pool worker stands for the runtime's epoll thread running an inline continuation.
        (bool Small, bool Edge, bool Large) seen = default;
        var t = new Thread(() => seen = (EventThread.ShouldLeave(1024), EventThread.ShouldLeave(EventThread.InlineScanBytes), EventThread.ShouldLeave(EventThread.InlineScanBytes + 1)));
        t.Start();
        t.Join();
        Assert.Equal((false, false, true), seen);
    }

    [Fact]
    public async Task A_pool_worker_never_leaves()
    {
        var leave = await Task.Run(() => EventThread.ShouldLeave(10L * 1024 * 1024));
        Assert.False(leave);
    }
}
