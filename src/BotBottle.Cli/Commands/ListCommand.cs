using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle list [--format json]</c>: agents with their bottle, provider and source (home or project).
/// <c>bot-bottle list active [pattern]</c>: bottle instances with state, backend, agent, services and start time.
/// </summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var format = OutputFormats.CreateOption();
        var pattern = new Argument<string?>("pattern") { Description = "Bottle name pattern (wildcards * and ?).", Arity = ArgumentArity.ZeroOrOne };
        var activeFormat = OutputFormats.CreateOption();
        var active = new Command("active", "List bottle instances (running, stopped, prepared, failed).") { pattern, activeFormat };
        active.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var bottles = await BotBottleServices.FromEnvironment().Bottles.ListAsync(parse.GetValue(pattern), ct).ConfigureAwait(false);
            BottleCommands.Write(bottles, parse.GetValue(activeFormat));
            return ExitCodes.Success;
        }));
        var command = new Command("list", "List agents (home and project) with their bottle, provider and source; 'list active' lists bottles.")
        {
            format, active,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() =>
        {
            var services = BotBottleServices.FromEnvironment();
            CliErrors.Warn(services.Catalog.LayoutWarnings());
            var agents = services.Catalog.GetAgents().ToList();
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, agents, CoreJsonContext.Readable.ListBottleAgent);
                return Task.FromResult(ExitCodes.Success);
            }

            if (agents.Count == 0)
            {
                Console.WriteLine($"No agents. Add one as {services.Home.AgentsDirectory}/<name>.md (see docs/manifest.md).");
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("Agent").AddColumn("Bottle").AddColumn("Provider").AddColumn("Source").AddColumn("Description");
            foreach (var a in agents)
            {
                table.AddRow(
                    Markup.Escape(a.Name) + (a.IsValid ? string.Empty : " [red](invalid)[/]"),
                    Markup.Escape(a.Bottle ?? "(portable)"),
                    Markup.Escape(a.Provider ?? "-"),
                    a.Source.ToString().ToLowerInvariant(),
                    Markup.Escape(a.Description ?? string.Empty));
            }

            AnsiConsole.Console.Write(table);
            if (agents.Any(a => !a.IsValid))
            {
                CliErrors.Warn("some agents are invalid; run 'bot-bottle validate' for the located errors.");
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
