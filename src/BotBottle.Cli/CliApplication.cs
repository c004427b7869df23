using System.CommandLine;
using BotBottle.Cli.Commands;

namespace BotBottle.Cli;

/// <summary>Builds the <c>bot-bottle</c> command tree and runs it.</summary>
internal static class CliApplication
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("bot-bottle: run AI coding agents in disposable, default-deny bottles whose only way out is a sidecar you control.");
        root.Subcommands.Add(StartCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(BottleCommands.Exec());
        root.Subcommands.Add(BottleCommands.Attach());
        root.Subcommands.Add(BottleCommands.Stop());
        root.Subcommands.Add(BottleCommands.Resume());
        root.Subcommands.Add(BottleCommands.Remove());
        root.Subcommands.Add(BottleCommands.Cleanup());
        root.Subcommands.Add(EgressCommand.Create());
        root.Subcommands.Add(ProposalCommands.Proposals());
        root.Subcommands.Add(ProposalCommands.Approve());
        root.Subcommands.Add(ProposalCommands.Deny());
        root.Subcommands.Add(ProposalCommands.Audit());
        root.Subcommands.Add(ProposalCommands.Routes());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the chosen command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        var root = BuildRootCommand();
        return root.Parse(args).InvokeAsync();
    }
}
