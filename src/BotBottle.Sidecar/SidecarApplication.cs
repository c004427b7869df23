using System.CommandLine;
using BotBottle.Sidecar.Commands;

namespace BotBottle.Sidecar;

/// <summary>Builds the <c>bot-bottle-sidecar</c> command tree.</summary>
internal static class SidecarApplication
{
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("bot-bottle-sidecar: the egress proxy, supervise MCP server and git gate that run beside a bottle.");
        root.Subcommands.Add(EgressCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CaCommand.Create());
        root.Subcommands.Add(GitPreReceiveCommand.Create());
        SidecarBuildInfo.AddToVersionOption(root);
        return root;
    }

    public static Task<int> RunAsync(string[] args)
    {
        TuneRuntime();
        return BuildRootCommand().Parse(args).InvokeAsync();
    }

    /// <summary>The name of the runtime's switch for inline socket completions (read once, from the environment only).</summary>
    internal const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the runtime's epoll threads instead of handing each one to a thread-pool worker
    /// (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>, which the runtime reads from the environment when the first
    /// socket is used, so this runs before anything else). Every proxied request waits on a socket twice (the agent's
    /// request, the upstream's answer); on the 2-core bench host each hand-off cost a futex wake and a context switch,
    /// and inline completions cut the sidecar's CPU per request by another 15-30 % (GET 1 KiB, GET 64 KiB, scanned
    /// POST 64 KiB; docs/egress.md). The proxy's code never blocks a thread, and scans of large bodies move to a worker
    /// first (<see cref="Egress.EventThread"/>). A value already in the environment (e.g. <c>0</c>) wins.
    /// <para>
    /// With inline completions the runtime starts one epoll thread per processor and gives sockets to them in turn, so
    /// a request's agent connection and its upstream connection usually sit on different threads: the request's work
    /// crossed threads twice, each time a sleeping thread to wake (strace on the 2-core host: two event threads handing
    /// every GET back and forth). One event thread (<c>DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1</c>) keeps a request on
    /// one thread: voluntary context switches 0.25-0.4 -> 0.06-0.17 per request and the sidecar's CPU per request 8-15 %
    /// lower on GET 1 KiB, GET 64 KiB and POST 1 KiB (unchanged on scanned POST 64 KiB, which DLP dominates; paired
    /// runs, docs/egress.md). The cost: the proxy's own per-request work runs on one core (about 15,000 GET 1 KiB
    /// requests a second at ~63 us each, far above what one bottle's agent sends); DLP scans of large bodies still
    /// move to thread-pool workers. A value already in the environment wins.
    /// </para>
    /// </summary>
    internal static void TuneRuntime()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }

        if (Environment.GetEnvironmentVariable(EventThreadCountVariable) is null)
        {
            Environment.SetEnvironmentVariable(EventThreadCountVariable, "1");
        }
    }

    /// <summary>The name of the runtime's switch for the number of socket event (epoll) threads (read once, from the environment only).</summary>
    internal const string EventThreadCountVariable = "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT";
}
