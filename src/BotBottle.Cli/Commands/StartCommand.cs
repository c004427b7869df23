using System.CommandLine;
using System.Collections.Immutable;
using BotBottle.Cli.Output;
using BotBottle.Cli.Secrets;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle start [agent] [--bottle b]… [--backend b] [--label l] --dry-run [--format json]</c>. Only the dry
/// run exists yet: it prepares the plan in memory, prints it, creates nothing and exits 0.
/// </summary>
internal static class StartCommand
{
    public static Command Create()
    {
        var agent = new Argument<string?>("agent") { Description = "The agent to run (see 'bot-bottle list').", Arity = ArgumentArity.ZeroOrOne };
        var bottles = new Option<string[]>("--bottle", "-b")
        {
            Description = "Bottle(s) to run the agent in, merged left to right; replaces the agent's own bottle (required for a portable agent). Repeat for several.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var backend = new Option<string?>("--backend") { Description = "Backend: docker, smolmachines or macos-container (default: BOT_BOTTLE_BACKEND, else the best available)." };
        backend.AcceptOnlyFromAmong([.. BottlePreparer.Backends]);
        var label = new Option<string?>("--label", "-l") { Description = "Name the instance instead of minting <agent>-xxxxx (lower-case letters, digits, '-')." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (secrets shown as \"<secret>\"); create and run nothing." };
        var format = OutputFormats.CreateOption();
        var command = new Command("start", "Start an agent in a bottle. With --dry-run: prepare and print the plan only.")
        {
            agent, bottles, backend, label, dryRun, format,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            if (!parse.GetValue(dryRun))
            {
                Console.Error.WriteLine("error: launching a bottle arrives with the Docker backend; for now 'bot-bottle start <agent> --dry-run' prints the plan without running anything.");
                return ExitCodes.Failure;
            }

            var services = BotBottleServices.FromEnvironment();
            var name = parse.GetValue(agent);
            if (string.IsNullOrEmpty(name))
            {
                var names = services.Catalog.AgentNames();
                Console.Error.WriteLine($"error: name the agent to start: bot-bottle start <agent> --dry-run. Agents: {(names.Count == 0 ? "none (add one under " + services.Home.AgentsDirectory + ")" : string.Join(", ", names))}");
                return ExitCodes.InvalidInput;
            }

            var request = new PrepareRequest
            {
                Agent = name,
                Bottles = (parse.GetValue(bottles) ?? []).ToImmutableArray(),
                Backend = parse.GetValue(backend),
                Label = parse.GetValue(label),
            };
            var secrets = new CompositeSecretSource(new EnvironmentSecretSource(services.Environment), new ConsoleSecretSource());
            var prepared = await services.Preparer.PrepareAsync(request, secrets, dryRun: true, ct).ConfigureAwait(false);
            foreach (var w in prepared.Warnings)
            {
                CliErrors.Warn(w);
            }

            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, prepared.Plan, CoreJsonContext.Readable.BottlePlan);
            }
            else
            {
                Render(prepared.Plan);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Render(BottlePlan plan)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]Plan for {Markup.Escape(plan.Slug)}[/] (dry run: nothing was created)");
        console.MarkupLine($"Agent:    {Markup.Escape(plan.Agent.Name)} ({plan.Agent.Source.ToString().ToLowerInvariant()}: {Markup.Escape(plan.Agent.SourceFile)})");
        console.MarkupLine($"Bottles:  {Markup.Escape(string.Join(" → ", plan.BottleChain))}");
        console.MarkupLine($"Provider: {Markup.Escape(plan.Bottle.Provider.Name)}");
        console.MarkupLine($"Backend:  {Markup.Escape(plan.Backend ?? "(chosen at start)")}");
        console.MarkupLine($"Project:  {Markup.Escape(plan.ProjectPath)}");
        if (!plan.Bottle.Env.IsEmpty)
        {
            var env = new Table().Border(TableBorder.Rounded).AddColumn("Env").AddColumn("Kind").AddColumn("Value");
            foreach (var e in plan.Bottle.Env)
            {
                env.AddRow(Markup.Escape(e.Name), e.Kind.ToString().ToLowerInvariant(), Markup.Escape(e.Value));
            }

            console.Write(env);
        }

        var routes = new Table().Border(TableBorder.Rounded).AddColumn("Host").AddColumn("Auth").AddColumn("Matches").AddColumn("On DLP match");
        foreach (var r in plan.Bottle.Egress.Routes)
        {
            routes.AddRow(Markup.Escape(r.Host), Markup.Escape(r.Auth is null ? "-" : $"{r.Auth.Scheme} {r.Auth.TokenRef}"),
                r.Matches.IsDefaultOrEmpty ? "any request" : $"{r.Matches.Length}", r.Dlp.OutboundOnMatch.ToString().ToLowerInvariant());
        }

        console.Write(routes);
        console.MarkupLine($"Egress log: {(int)plan.Bottle.Egress.Log}");
    }
}
