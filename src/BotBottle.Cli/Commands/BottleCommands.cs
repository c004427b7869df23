using System.CommandLine;
using BotBottle.Backends;
using BotBottle.Cli.Output;
using BotBottle.Cli.Secrets;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Processes;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>The lifecycle commands over running bottles: <c>list active</c>, <c>exec</c>, <c>attach</c>, <c>stop</c>, <c>resume</c>, <c>rm</c>, <c>cleanup</c>.</summary>
internal static class BottleCommands
{
    /// <summary>The secrets a start may need: <c>BOT_BOTTLE_SECRET_&lt;NAME&gt;</c>, else a no-echo prompt on a terminal.</summary>
    public static ISecretSource Secrets(BotBottleServices services) =>
        new CompositeSecretSource(new EnvironmentSecretSource(services.Environment), new ConsoleSecretSource());

    /// <summary>Prints bottles as a table or JSON (plans omitted from JSON listings; <c>info</c> shows them).</summary>
    public static void Write(IReadOnlyList<Bottle> bottles, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            OutputFormats.WriteJson(Console.Out, bottles.Select(b => b with { Plan = null }).ToList(), CoreJsonContext.Readable.ListBottle);
            return;
        }

        if (bottles.Count == 0)
        {
            Console.WriteLine("No bottles. Start one with 'bot-bottle start <agent>'.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Name").AddColumn("State").AddColumn("Backend").AddColumn("Agent").AddColumn("Services").AddColumn("Repositories").AddColumn("Started");
        foreach (var b in bottles)
        {
            var state = b.State switch
            {
                BottleState.Running => "[green]running[/]",
                BottleState.Failed => "[red]failed[/]",
                _ => b.State.ToString().ToLowerInvariant(),
            };
            table.AddRow(
                Markup.Escape(b.Name),
                state + (b.Error is null ? string.Empty : $"\n[grey]{Markup.Escape(b.Error)}[/]"),
                Markup.Escape(b.Backend ?? "-"),
                Markup.Escape(b.Agent),
                Markup.Escape(string.Join(", ", b.Services.Select(kv => $"{kv.Key}: {kv.Value}"))),
                Markup.Escape(b.Repositories.Count == 0 ? "-" : string.Join("\n", b.Repositories.Select(r => r.ToString()))),
                b.Started?.ToLocalTime().ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }

        AnsiConsole.Console.Write(table);
    }

    public static Command Exec()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var cmd = new Argument<string[]>("command") { Description = "The command and its arguments (after --).", Arity = ArgumentArity.OneOrMore };
        var root = new Option<bool>("--root") { Description = "Run as root instead of the agent user (diagnostics)." };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working folder in the bottle (default /workspace)." };
        var command = new Command("exec", "Run a command in a running bottle: bot-bottle exec <bottle> -- cmd args…. Exits with the command's exit code.") { slug, cmd, root, workdir };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var services = BotBottleServices.FromEnvironment();
            var result = await services.Bottles.ExecAsync(parse.GetValue(slug)!, new BottleExecRequest
            {
                Command = parse.GetValue(cmd)!,
                AsRoot = parse.GetValue(root),
                WorkingDirectory = parse.GetValue(workdir),
            }, line =>
            {
                if (line.Stream == ProcessStream.StandardError)
                {
                    Console.Error.WriteLine(line.Text);
                }
                else
                {
                    Console.Out.WriteLine(line.Text);
                }
            }, ct).ConfigureAwait(false);
            return result.ExitCode;
        }));
        return command;
    }

    public static Command Stop()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var command = new Command("stop", "Stop a bottle, keeping its state; 'bot-bottle resume' starts it again.") { slug };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var b = await BotBottleServices.FromEnvironment().Bottles.StopAsync(parse.GetValue(slug)!, ct).ConfigureAwait(false);
            Console.WriteLine($"{b.Name}: {b.State.ToString().ToLowerInvariant()}");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Resume()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show image build output." };
        var headless = new Option<bool>("--headless") { Description = "Run the agent non-interactively with --prompt; exit with its exit code." };
        var prompt = new Option<string?>("--prompt", "-p") { Description = "The task for a headless run." };
        var detach = new Option<bool>("--detach", "-d") { Description = "Only start the bottle again; do not run the agent (join it later with 'bot-bottle attach')." };
        var command = new Command("resume", "Start a stopped, failed or kept bottle again and relaunch the agent session: interactive on this terminal (default), headless with --headless --prompt, or none with --detach. A session whose agent exits 0 removes the bottle.")
        {
            slug, verbose, headless, prompt, detach,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var task = parse.GetValue(prompt);
            if (parse.GetValue(headless) && string.IsNullOrWhiteSpace(task))
            {
                Console.Error.WriteLine("error: --headless needs --prompt \"<task>\".");
                return ExitCodes.InvalidInput;
            }

            if (parse.GetValue(detach) && (parse.GetValue(headless) || task is not null))
            {
                Console.Error.WriteLine("error: --detach only starts the bottle; --headless/--prompt run the agent. Use one of them.");
                return ExitCodes.InvalidInput;
            }

            var services = BotBottleServices.FromEnvironment();
            var b = await services.Bottles.StartAsync(parse.GetValue(slug)!, Secrets(services), new StartOptions(), new CliProgress(parse.GetValue(verbose)), ct).ConfigureAwait(false);
            if (parse.GetValue(detach))
            {
                Console.WriteLine($"{b.Name}: {b.State.ToString().ToLowerInvariant()}");
                return ExitCodes.Success;
            }

            return await StartCommand.RunSessionAsync(services, b.Name, parse.GetValue(headless) || task is not null ? task : null, ct).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command Attach()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var cmd = new Argument<string[]>("command") { Description = "A command to run instead of the agent (after --), e.g. -- bash.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("attach", "Join a running bottle with this terminal (a TTY): the agent's interactive session, or the command after --. Leaving does not end the bottle.") { slug, cmd };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var services = BotBottleServices.FromEnvironment();
            return await services.Bottles.AttachAsync(parse.GetValue(slug)!, parse.GetValue(cmd) ?? [], ct).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command Remove()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var force = new Option<bool>("--force", "-f") { Description = "Remove even if it is running." };
        var command = new Command("rm", "Tear a bottle down completely: containers or VMs, networks, volumes, and its state folder.") { slug, force };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            await BotBottleServices.FromEnvironment().Bottles.RemoveAsync(parse.GetValue(slug)!, parse.GetValue(force), ct).ConfigureAwait(false);
            Console.WriteLine($"{parse.GetValue(slug)}: removed");
            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Cleanup()
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "Remove without asking." };
        var format = OutputFormats.CreateOption();
        var command = new Command("cleanup", "Find what BotBottle left behind with no partner (containers, networks, volumes of unknown bottles; state folders whose bottle is gone) and remove it after confirmation.") { yes, format };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var services = BotBottleServices.FromEnvironment();
            var orphans = await services.Bottles.FindOrphansAsync(ct).ConfigureAwait(false);
            var json = parse.GetValue(format) == OutputFormat.Json;
            if (orphans.Count == 0)
            {
                if (json)
                {
                    OutputFormats.WriteJson(Console.Out, new List<OrphanResource>(), CoreJsonContext.Readable.ListOrphanResource);
                }
                else
                {
                    Console.WriteLine("Nothing to clean up.");
                }

                return ExitCodes.Success;
            }

            if (!json)
            {
                foreach (var o in orphans)
                {
                    Console.WriteLine($"  {o}");
                }
            }

            var go = parse.GetValue(yes);
            if (!go && !Console.IsInputRedirected && !json)
            {
                Console.Error.Write($"Remove these {orphans.Count}? [y/N] ");
                go = Console.ReadLine()?.Trim().StartsWith('y') == true;
            }

            if (!go)
            {
                if (json)
                {
                    OutputFormats.WriteJson(Console.Out, orphans.ToList(), CoreJsonContext.Readable.ListOrphanResource);
                }

                Console.Error.WriteLine("Nothing removed (pass --yes to remove without asking).");
                return ExitCodes.Success;
            }

            foreach (var o in orphans)
            {
                await services.Bottles.RemoveOrphanAsync(o, ct).ConfigureAwait(false);
            }

            if (json)
            {
                OutputFormats.WriteJson(Console.Out, orphans.ToList(), CoreJsonContext.Readable.ListOrphanResource);
            }
            else
            {
                Console.WriteLine($"Removed {orphans.Count}.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
