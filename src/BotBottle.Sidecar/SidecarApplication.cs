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
        return root;
    }

    public static Task<int> RunAsync(string[] args) => BuildRootCommand().Parse(args).InvokeAsync();
}
