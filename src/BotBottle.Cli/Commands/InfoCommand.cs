using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary><c>bot-bottle info &lt;agent&gt; [--bottle b]… [--format json]</c>: the effective bottle, each value with the file and line it came from.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("agent") { Description = "The agent." };
        var bottles = new Option<string[]>("--bottle", "-b") { Description = "Bottle(s) replacing the agent's own (for a portable agent).", Arity = ArgumentArity.OneOrMore };
        var format = OutputFormats.CreateOption();
        var command = new Command("info", "Show an agent's effective bottle and where every value came from.")
        {
            agent, bottles, format,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() =>
        {
            var services = BotBottleServices.FromEnvironment();
            var info = services.Catalog.Describe(parse.GetValue(agent)!, parse.GetValue(bottles) ?? []);
            CliErrors.Warn(info.Warnings);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, info, CoreJsonContext.Readable.AgentInfo);
                return Task.FromResult(ExitCodes.Success);
            }

            var console = AnsiConsole.Console;
            console.MarkupLine($"[bold]{Markup.Escape(info.Agent)}[/] ({info.Source.ToString().ToLowerInvariant()}: {Markup.Escape(info.AgentFile)})");
            console.MarkupLine($"Bottles:  {Markup.Escape(string.Join(" → ", info.BottleChain))}");
            console.MarkupLine($"Provider: {Markup.Escape(info.Provider)}");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("Key").AddColumn("Value").AddColumn("From");
            foreach (var v in info.Values)
            {
                table.AddRow(Markup.Escape(v.Key), Markup.Escape(v.Value), Markup.Escape(Shorten(v.Source, services.Home.Root)));
            }

            console.Write(table);
            console.MarkupLine($"[grey]Paths are relative to {Markup.Escape(services.Home.Root)}; --format json prints them in full.[/]");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    /// <summary>Sources under the home folder are shown relative to it, to keep the table readable.</summary>
    private static string Shorten(string source, string home)
    {
        var prefix = home.EndsWith(Path.DirectorySeparatorChar) ? home : home + Path.DirectorySeparatorChar;
        return source.Replace(prefix, string.Empty, StringComparison.Ordinal);
    }
}
