using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Policy;
using BotBottle.Proposals;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>The operator's supervise commands: <c>proposals</c>, <c>approve</c>, <c>deny</c>, <c>audit</c>, <c>routes</c>.</summary>
internal static class ProposalCommands
{
    public static Command Proposals()
    {
        var bottle = new Option<string?>("--bottle", "-b") { Description = "Only this bottle (wildcards * and ?)." };
        var state = new Option<string?>("--state", "-s") { Description = "pending, approved, modified, denied or expired (default: all)." };
        state.AcceptOnlyFromAmong("pending", "approved", "modified", "denied", "expired");
        var kind = new Option<string?>("--kind", "-k") { Description = "egress-allow, egress-token-allow or gitleaks-allow." };
        kind.AcceptOnlyFromAmong("egress-allow", "egress-token-allow", "gitleaks-allow");
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep running and print each new pending proposal as it arrives (JSON lines with --format json)." };
        var format = OutputFormats.CreateOption();
        var command = new Command("proposals", "List proposals (all states; decided ones stay for audit), or --watch for new ones.") { bottle, state, kind, watch, format };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var service = BotBottleServices.FromEnvironment().Proposals;
            var query = new ProposalQuery
            {
                BottleName = parse.GetValue(bottle),
                State = parse.GetValue(state) is { } s ? Enum.Parse<ProposalState>(s, ignoreCase: true) : null,
                Kind = parse.GetValue(kind) is { } k && ProposalKindConverter.TryParse(k, out var pk) ? pk : null,
            };
            var json = parse.GetValue(format) == OutputFormat.Json;
            if (!parse.GetValue(watch))
            {
                var list = service.List(query).ToList();
                if (json)
                {
                    OutputFormats.WriteJson(Console.Out, list, CoreJsonContext.Readable.ListBottleProposal);
                }
                else
                {
                    Render(list);
                }

                return ExitCodes.Success;
            }

            Console.Error.WriteLine("Watching for new proposals (Ctrl+C to stop)…");
            while (!ct.IsCancellationRequested)
            {
                var p = await service.WaitForNewAsync(query, TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                if (json)
                {
                    Console.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(p, CoreJsonContext.Default.BottleProposal));
                }
                else
                {
                    Render([p]);
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    public static Command Approve()
    {
        var id = new Argument<string>("id") { Description = "The proposal id." };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (required for egress-token-allow and gitleaks-allow; the agent reads it)." };
        var routes = new Option<string?>("--routes-file") { Description = "Approve these routes (a routes file) instead of the proposed ones: the proposal becomes 'modified'." };
        var format = OutputFormats.CreateOption();
        var command = new Command("approve", "Approve a pending proposal (optionally with modified routes); an egress change takes effect in the running bottle at once.") { id, reason, routes, format };
        command.SetAction((parse, _) => CliErrors.RunAsync(() =>
        {
            var file = parse.GetValue(routes);
            if (file is not null && !File.Exists(file))
            {
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, $"--routes-file {file} does not exist.");
            }

            var p = BotBottleServices.FromEnvironment().Proposals.Approve(parse.GetValue(id)!, parse.GetValue(reason), file is null ? null : File.ReadAllText(file));
            Print(p, parse.GetValue(format));
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static Command Deny()
    {
        var id = new Argument<string>("id") { Description = "The proposal id." };
        var reason = new Option<string>("--reason", "-r") { Description = "Why (the agent reads it).", Required = true };
        var format = OutputFormats.CreateOption();
        var command = new Command("deny", "Deny a pending proposal; policy does not change.") { id, reason, format };
        command.SetAction((parse, _) => CliErrors.RunAsync(() =>
        {
            var p = BotBottleServices.FromEnvironment().Proposals.Deny(parse.GetValue(id)!, parse.GetValue(reason)!);
            Print(p, parse.GetValue(format));
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static Command Audit()
    {
        var bottle = new Option<string?>("--bottle", "-b") { Description = "Only this bottle." };
        var format = OutputFormats.CreateOption();
        var command = new Command("audit", "The audit log: proposals filed, decisions with their route changes, expiries, git pushes, and the requests the egress proxy blocked or redacted.") { bottle, format };
        command.SetAction((parse, _) => CliErrors.RunAsync(() =>
        {
            var entries = BotBottleServices.FromEnvironment().Proposals.Audit(parse.GetValue(bottle)).ToList();
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, entries, CoreJsonContext.Readable.ListBottleAuditEntry);
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("When").AddColumn("Bottle").AddColumn("Event").AddColumn("BottleProposal").AddColumn("By").AddColumn("Detail");
            foreach (var e in entries)
            {
                table.AddRow(e.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(e.BottleName), Markup.Escape(e.Event),
                    Markup.Escape(e.ProposalId ?? "-"), Markup.Escape(e.Actor ?? "-"), Markup.Escape(e.Detail));
            }

            AnsiConsole.Console.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    public static Command Routes()
    {
        var slug = new Argument<string>("bottle") { Description = "The bottle (slug)." };
        var format = OutputFormats.CreateOption();
        var command = new Command("routes", "The bottle's live egress routes (approvals included); JSON in the manifest's route schema.") { slug, format };
        command.SetAction((parse, _) => CliErrors.RunAsync(() =>
        {
            var name = parse.GetValue(slug)!;
            var policy = BotBottleServices.FromEnvironment().Proposals.LiveRoutes(name);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                using var stdout = Console.OpenStandardOutput();
                using (var w = new System.Text.Json.Utf8JsonWriter(stdout, new System.Text.Json.JsonWriterOptions { Indented = true }))
                {
                    w.WriteStartObject();
                    w.WriteString("bottle", name);
                    w.WriteNumber("log", (int)policy.Log);
                    w.WritePropertyName("routes");
                    RouteJson.WriteRoutes(w, policy.Routes);
                    w.WriteEndObject();
                }

                stdout.WriteByte((byte)'\n');
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("Host").AddColumn("Ports").AddColumn("Allows").AddColumn("Auth").AddColumn("DLP").AddColumn("Git fetch").AddColumn("Private");
            foreach (var r in policy.Routes.Select(r => BottleRoute.From(name, r)))
            {
                table.AddRow(Markup.Escape(r.Host), Markup.Escape(r.Ports), Markup.Escape(r.Allows), Markup.Escape(r.Auth ?? "-"), Markup.Escape(r.Dlp), r.GitFetch ? "yes" : "-", r.AllowPrivate ? "yes" : "-");
            }

            AnsiConsole.Console.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static void Print(BottleProposal p, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            OutputFormats.WriteJson(Console.Out, p, CoreJsonContext.Readable.BottleProposal);
        }
        else
        {
            Console.WriteLine($"{p.Id}: {p.State.ToString().ToLowerInvariant()}{(p.Reason is null ? string.Empty : $" ({p.Reason})")}");
        }
    }

    private static void Render(List<BottleProposal> proposals)
    {
        if (proposals.Count == 0)
        {
            Console.WriteLine("No proposals.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Id").AddColumn("Bottle").AddColumn("Kind").AddColumn("State").AddColumn("Asks").AddColumn("Justification").AddColumn("Filed");
        foreach (var p in proposals)
        {
            table.AddRow(Markup.Escape(p.Id), Markup.Escape(p.BottleName), ProposalKindConverter.Name(p.Kind), p.State.ToString().ToLowerInvariant(),
                Markup.Escape(p.Summary), Markup.Escape(p.Justification), p.FiledAt.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        }

        AnsiConsole.Console.Write(table);
    }
}
