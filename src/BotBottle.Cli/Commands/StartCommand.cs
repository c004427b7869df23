using System.CommandLine;
using System.Collections.Immutable;
using BotBottle.Cli.Output;
using BotBottle.Cli.Secrets;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Policy;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle start [agent] [--bottle b]… [--backend b] [--label l] [--cwd] [--detach | --headless --prompt P | --dry-run]
/// [--format json]</c>: prepares and launches a bottle, then attaches to the agent (default), returns once it is
/// ready (<c>--detach</c>, printing the slug), or runs the agent headless with a prompt and exits with its exit code.
/// <c>--dry-run</c> prints the plan and creates nothing.
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
        var detach = new Option<bool>("--detach", "-d") { Description = "Return once the bottle is ready, printing its slug." };
        var headless = new Option<bool>("--headless") { Description = "Run the agent non-interactively with --prompt; exit with its exit code." };
        var prompt = new Option<string?>("--prompt", "-p") { Description = "The task for a headless run." };
        var upstreamCa = new Option<string[]>("--upstream-ca") { Description = "Extra PEM CA file the sidecar trusts for upstream TLS for this bottle (repeatable)." };
        var hostAlias = new Option<string[]>("--host-alias") { Description = "NAME=ADDRESS entry for the sidecar's resolver (repeatable; ADDRESS may be host-gateway)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show image build output." };
        var cwd = new Option<bool>("--cwd") { Description = "Copy the current directory into the bottle's /workspace, owned by the agent user (a copy: nothing is mounted). Without it the workspace starts empty and work arrives through the git gate. A directory that contains the BotBottle home or is inside it is refused." };
        var format = OutputFormats.CreateOption();
        var command = new Command("start", "Start an agent in a bottle and attach to it (--detach: return once ready; --headless --prompt: run a task; --dry-run: print the plan only).")
        {
            agent, bottles, backend, label, dryRun, detach, headless, prompt, upstreamCa, hostAlias, verbose, cwd, format,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
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
                WorkspaceCopy = parse.GetValue(cwd) ? services.Catalog.ProjectDirectory : null,
            };
            var secrets = new CompositeSecretSource(new EnvironmentSecretSource(services.Environment), new ConsoleSecretSource());
            if (!parse.GetValue(dryRun))
            {
                return await LaunchAsync(services, request, secrets, parse, headless, prompt, detach, upstreamCa, hostAlias, verbose, format, ct).ConfigureAwait(false);
            }

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

    private static async Task<int> LaunchAsync(BotBottleServices services, PrepareRequest request, ISecretSource secrets, ParseResult parse,
        Option<bool> headless, Option<string?> prompt, Option<bool> detach, Option<string[]> upstreamCa, Option<string[]> hostAlias, Option<bool> verbose, Option<OutputFormat> format, CancellationToken ct)
    {
        var isHeadless = parse.GetValue(headless);
        var task = parse.GetValue(prompt);
        if (isHeadless && string.IsNullOrWhiteSpace(task))
        {
            Console.Error.WriteLine("error: --headless needs --prompt \"<task>\".");
            return ExitCodes.InvalidInput;
        }

        var aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in parse.GetValue(hostAlias) ?? [])
        {
            var eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                Console.Error.WriteLine($"error: --host-alias '{a}' must be NAME=ADDRESS.");
                return ExitCodes.InvalidInput;
            }

            aliases[a[..eq]] = a[(eq + 1)..];
        }

        var options = new StartOptions { UpstreamCaFiles = parse.GetValue(upstreamCa) ?? [], HostAliases = aliases };
        var bottle = await services.Bottles.PrepareAndStartAsync(request, secrets, options, new CliProgress(parse.GetValue(verbose)), ct).ConfigureAwait(false);
        if (parse.GetValue(detach))
        {
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, bottle with { Plan = null }, CoreJsonContext.Readable.Bottle);
            }
            else
            {
                Console.WriteLine(bottle.Name);
            }

            return ExitCodes.Success;
        }

        return await RunSessionAsync(services, bottle.Name, isHeadless ? task : null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the agent session in a running bottle — headless with <paramref name="prompt"/>, else interactive on this
    /// terminal — then ends it: exit 0 removes the bottle; a failure keeps it and says how to resume, attach or remove
    /// it. Returns the agent's exit code.
    /// </summary>
    internal static async Task<int> RunSessionAsync(BotBottleServices services, string name, string? prompt, CancellationToken ct)
    {
        int code;
        if (prompt is not null)
        {
            var result = await services.Bottles.RunHeadlessAsync(name, prompt, line =>
            {
                (line.Stream == Processes.ProcessStream.StandardError ? Console.Error : Console.Out).WriteLine(line.Text);
            }, ct).ConfigureAwait(false);
            Console.Error.WriteLine($"transcript: {result.TranscriptPath}");
            code = result.ExitCode;
        }
        else
        {
            code = await services.Bottles.EnterAsync(name, shell: false, ct).ConfigureAwait(false);
        }

        var outcome = await services.Bottles.EndSessionAsync(name, code, ct).ConfigureAwait(false);
        if (outcome.Removed)
        {
            Console.Error.WriteLine($"The agent exited 0; bottle {name} was removed.");
        }
        else
        {
            Console.Error.WriteLine($"The agent exited {code}; bottle {name} is kept, still running. Resume the session with 'bot-bottle resume {name}'"
                + $" (or 'bot-bottle resume {name} --headless --prompt \"<task>\"'), look inside with 'bot-bottle attach {name} -- bash',"
                + $" remove it with 'bot-bottle rm {name} --force'.");
        }

        return code;
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
        console.MarkupLine($"Workspace: {Markup.Escape(plan.WorkspaceCopy is { } w ? "a copy of " + w : "empty (no --cwd)")}");
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
            routes.AddRow(Markup.Escape(r.Host), Markup.Escape(r.Auth?.ToString() ?? "-"),
                r.Matches.IsDefaultOrEmpty ? "any request" : $"{r.Matches.Length}", r.Dlp.OutboundOnMatch.ToString().ToLowerInvariant());
        }

        console.Write(routes);
        console.MarkupLine($"Egress log: {(int)plan.Bottle.Egress.Log} ({plan.Bottle.Egress.Log switch
        {
            EgressLogLevel.Off => "nothing",
            EgressLogLevel.Blocked => "blocked requests",
            _ => "every request and response",
        }})");
    }
}
