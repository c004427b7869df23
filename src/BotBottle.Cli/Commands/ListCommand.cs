using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Manifest;
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
        var bottlesFormat = OutputFormats.CreateOption();
        var bottlePattern = new Argument<string?>("pattern") { Description = "Bottle definition name pattern (wildcards * and ?).", Arity = ArgumentArity.ZeroOrOne };
        var bottles = new Command("bottles", "List the bottle definitions in the home's bottles/ folder: extends chain, provider, route hosts, secret names, git-gate repositories.") { bottlePattern, bottlesFormat };
        bottles.SetAction((parse, ct) => CliErrors.RunAsync(() => Task.FromResult(ListBottles(parse.GetValue(bottlePattern), parse.GetValue(bottlesFormat)))));
        var command = new Command("list", "List agents (home and project) with their bottle, provider and source; 'list active' lists bottle instances, 'list bottles' the bottle definitions.")
        {
            format, active, bottles,
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

    private static int ListBottles(string? pattern, OutputFormat format)
    {
        var services = BotBottleServices.FromEnvironment();
        CliErrors.Warn(services.Catalog.LayoutWarnings());
        var matcher = pattern is null ? null : ManifestNames.Wildcard(pattern);
        var bottles = services.Catalog.GetBottles(matcher is null ? null : matcher.IsMatch).ToList();
        if (format == OutputFormat.Json)
        {
            OutputFormats.WriteJson(Console.Out, bottles, CoreJsonContext.Readable.ListBottleSummary);
            return ExitCodes.Success;
        }

        if (bottles.Count == 0)
        {
            Console.WriteLine(pattern is null
                ? $"No bottles. Add one as {services.Home.BottlesDirectory}/<name>.md (see docs/manifest.md)."
                : $"No bottle matches '{pattern}' in {services.Home.BottlesDirectory}.");
            return ExitCodes.Success;
        }

        // Names never break inside (one host per line); the chain sits under the bottle's name so 80 columns hold it.
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Bottle").NoWrap()).AddColumn("Provider").AddColumn(new TableColumn("Hosts").NoWrap())
            .AddColumn(new TableColumn("Secrets").NoWrap()).AddColumn("Repos");
        foreach (var b in bottles)
        {
            var parents = b.Chain.Take(Math.Max(0, b.Chain.Length - 1)).ToList();
            table.AddRow(
                Markup.Escape(b.Name) + (b.IsValid ? string.Empty : " [red](invalid)[/]") + (parents.Count > 0 ? "\n[dim]extends " + Markup.Escape(string.Join(", ", parents)) + "[/]" : string.Empty),
                Markup.Escape(b.Provider ?? "-"),
                Markup.Escape(string.Join("\n", b.Hosts)),
                Markup.Escape(string.Join("\n", b.Secrets)),
                Markup.Escape(string.Join("\n", b.Repositories)));
        }

        AnsiConsole.Console.Write(table);
        if (bottles.Any(b => !b.IsValid))
        {
            CliErrors.Warn("some bottles are invalid; run 'bot-bottle validate' for the located errors.");
        }

        return ExitCodes.Success;
    }
}
