using System.CommandLine;
using BotBottle.Cli.Demo;
using BotBottle.Cli.Output;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle demo [--keep] [--verbose] [--format json]</c>: runs <see cref="DemoScenario"/> — a real bottle on
/// the Docker engine in a throw-away home — and prints each step with what was expected and what was seen. Exit 0
/// when every step matched, 1 when any did not (the report says which).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Leave the bottle and its temporary home in place afterwards (the report names the home)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show image build output and every start step." };
        var format = OutputFormats.CreateOption();
        var command = new Command("demo", "Show BotBottle working end to end on this host: start a bottle, then allowed, injected-credential, refused, DLP-blocked and operator-approved requests from inside it; remove it.")
        {
            keep, verbose, format,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(async () =>
        {
            var report = await new DemoScenario(parse.GetValue(keep), new CliProgress(parse.GetValue(verbose))).RunAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, report, DemoJsonContext.Default.DemoReport);
            }
            else
            {
                var table = new Table().Border(TableBorder.Rounded).AddColumn("Step").AddColumn("Expected").AddColumn("Observed").AddColumn(new TableColumn("s").RightAligned());
                foreach (var s in report.Steps)
                {
                    table.AddRow(new Markup(s.Ok ? $"[green]{Markup.Escape(s.Name)}[/]" : $"[red]{Markup.Escape(s.Name)} ✗[/]"), new Text(s.Expected), new Text(s.Observed),
                        new Text(s.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)));
                }

                AnsiConsole.Console.Write(table);
                Console.Out.WriteLine(report.Ok
                    ? $"demo: every step behaved as expected ({report.Seconds:0.0} s, bottle {report.Bottle})."
                    : $"demo: {report.Steps.Count(s => !s.Ok)} step(s) did not behave as expected (bottle {report.Bottle}); see above.");
                if (report.KeptHome is not null)
                {
                    Console.Out.WriteLine($"kept: BOT_BOTTLE_HOME={report.KeptHome} bot-bottle list active");
                }
            }

            return report.Ok ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return command;
    }
}
