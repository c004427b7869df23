using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Egress;
using BotBottle.Errors;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle egress check (--routes FILE | --bottle SLUG) --method M --url U [--header 'Name: value']…
/// [--body TEXT | --body-file PATH] [--format json]</c>: the offline verdict for one request, with the engine the
/// sidecar runs. Exits 0 whenever the request was evaluated (whatever the verdict), 2 for bad input.
/// </summary>
internal static class EgressCommand
{
    public static Command Create()
    {
        var routes = new Option<string?>("--routes") { Description = "Routes file (YAML: routes: [...], log: 0|1|2)." };
        var bottle = new Option<string?>("--bottle") { Description = "A bottle whose live routes to use." };
        var method = new Option<string>("--method", "-X") { Description = "HTTP method.", DefaultValueFactory = _ => "GET" };
        var url = new Option<string>("--url") { Description = "Absolute http:// or https:// URL.", Required = true };
        var header = new Option<string[]>("--header", "-H") { Description = "A header 'Name: value' (repeatable)." };
        var body = new Option<string?>("--body", "-d") { Description = "Request body text." };
        var bodyFile = new Option<string?>("--body-file") { Description = "Request body from a file (bytes as they are)." };
        var format = OutputFormats.CreateOption();
        var check = new Command("check", "Evaluate one request against a routes file or a bottle's routes: verdict allow|block|redact|supervise with every reason.")
        {
            routes, bottle, method, url, header, body, bodyFile, format,
        };
        check.SetAction((parse, ct) => CliErrors.RunAsync(() =>
        {
            var routesFile = parse.GetValue(routes);
            var slug = parse.GetValue(bottle);
            if ((routesFile is null) == (slug is null))
            {
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, "Give exactly one of --routes FILE or --bottle SLUG.");
            }

            if (parse.GetValue(body) is not null && parse.GetValue(bodyFile) is not null)
            {
                throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, "Give --body or --body-file, not both.");
            }

            var headers = new List<KeyValuePair<string, string>>();
            foreach (var line in parse.GetValue(header) ?? [])
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, $"--header '{line}' must look like 'Name: value'.");
                }

                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }

            ReadOnlyMemory<byte> bytes = parse.GetValue(bodyFile) is { } f
                ? File.Exists(f) ? File.ReadAllBytes(f) : throw new BotBottleException("InvalidRequest", BotBottleErrorCategory.InvalidArgument, $"--body-file {f} does not exist.")
                : System.Text.Encoding.UTF8.GetBytes(parse.GetValue(body) ?? string.Empty);
            var request = new EgressCheckRequest { Method = parse.GetValue(method)!, Url = parse.GetValue(url)!, Headers = headers, Body = bytes };
            var services = BotBottleServices.FromEnvironment();
            var verdict = routesFile is not null ? services.Egress.CheckRoutesFile(Path.GetFullPath(routesFile), request) : services.Egress.CheckBottle(slug!, request);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, verdict, CoreJsonContext.Readable.EgressVerdict);
            }
            else
            {
                var color = verdict.Verdict switch { EgressVerdictKind.Allow => "green", EgressVerdictKind.Redact => "yellow", _ => "red" };
                AnsiConsole.Console.MarkupLine($"[{color}]{verdict.Verdict.ToString().ToLowerInvariant()}[/] {Markup.Escape(request.Method)} {Markup.Escape(request.Url)}");
                if (verdict.Reasons.Count > 0)
                {
                    var table = new Table().Border(TableBorder.Rounded).AddColumn("Detector").AddColumn("Rule").AddColumn("Location").AddColumn("Message");
                    foreach (var r in verdict.Reasons)
                    {
                        table.AddRow(Markup.Escape(r.Detector), Markup.Escape(r.Rule), Markup.Escape(r.Location), Markup.Escape(r.Message));
                    }

                    AnsiConsole.Console.Write(table);
                }
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        return new Command("egress", "Egress policy tools.") { check };
    }
}
