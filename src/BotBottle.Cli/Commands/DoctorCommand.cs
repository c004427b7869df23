using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Diagnostics;
using BotBottle.Serialization;
using Spectre.Console;

namespace BotBottle.Cli.Commands;

/// <summary><c>bot-bottle doctor [--format json]</c>: what this host has for running bottles, and what to do about what is missing.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var format = OutputFormats.CreateOption();
        var command = new Command("doctor", "Report the Docker engine, API version, base images, KVM, smolvm, Apple container, pwsh, git and each backend's readiness, each with what to do if missing.")
        {
            format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var services = BotBottleServices.FromEnvironment();
            var doctor = new HostDoctor(services.ProcessRunner, services.Home, backends: services.Backends.Ordered);
            var report = await doctor.RunAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, report, CoreJsonContext.Readable.DoctorReport);
            }
            else
            {
                Render(report);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Render(DoctorReport report)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine($"[bold]BotBottle {Markup.Escape(report.Version)}[/] on {Markup.Escape(report.Os)} ({Markup.Escape(report.Architecture)}), {Markup.Escape(report.Runtime)}");
        console.MarkupLine($"Home: {Markup.Escape(report.Home)}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Check").AddColumn("Status").AddColumn("Finding");
        foreach (var c in report.Checks)
        {
            var status = c.Status switch
            {
                DoctorStatus.Ok => "[green]ok[/]",
                DoctorStatus.Warning => "[yellow]warning[/]",
                DoctorStatus.Missing => "[yellow]missing[/]",
                DoctorStatus.Error => "[red]error[/]",
                _ => "[grey]n/a[/]",
            };
            var finding = Markup.Escape(c.Summary) + (c.Remedy is null ? string.Empty : $"\n[grey]→ {Markup.Escape(c.Remedy)}[/]")
                + string.Concat(c.Requires.Select(r => $"\n[grey]needs {Markup.Escape(r)}[/]"));
            table.AddRow(new Markup(Markup.Escape(c.Name)), new Markup(status), new Markup(finding));
        }

        console.Write(table);
        console.MarkupLine(report.ReadyBackends.Count > 0
            ? $"[green]Ready to run bottles on: {Markup.Escape(string.Join(", ", report.ReadyBackends))}.[/]"
            : "[yellow]No backend is ready yet: follow the arrows above.[/]");
    }
}
