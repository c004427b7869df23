using System.CommandLine;
using BotBottle.Cli.Output;
using BotBottle.Manifest;
using BotBottle.Serialization;

namespace BotBottle.Cli.Commands;

/// <summary>
/// <c>bot-bottle validate [file] [--kind k] [--format json]</c>: checks every agent, bottle and provider plugin (or one
/// file) and prints all findings as <c>file:line:col: message</c> on stderr. Exit 2 when there is an error.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "Validate only this manifest file.", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<ManifestKind?>("--kind") { Description = "agent, bottle or provider, when the file's folder does not tell." };
        var format = OutputFormats.CreateOption();
        var command = new Command("validate", "Check every agent, bottle and provider plugin and print all findings with file:line:col.")
        {
            file, kind, format,
        };
        command.SetAction((parse, ct) => CliErrors.RunAsync(() =>
        {
            var services = BotBottleServices.FromEnvironment();
            var path = parse.GetValue(file);
            var report = path is null ? services.Catalog.Validate(ct) : services.Catalog.ValidateFile(path, parse.GetValue(kind));
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                OutputFormats.WriteJson(Console.Out, report, CoreJsonContext.Readable.ManifestValidationReport);
            }
            else
            {
                foreach (var f in report.Findings)
                {
                    Console.Error.WriteLine(f.ToString());
                }

                Console.WriteLine($"{(report.IsValid ? "ok" : "invalid")}: {report.Files.Length} {(report.Files.Length == 1 ? "file" : "files")} checked, {report.ErrorCount} {(report.ErrorCount == 1 ? "error" : "errors")}, {report.WarningCount} {(report.WarningCount == 1 ? "warning" : "warnings")}");
            }

            return Task.FromResult(report.IsValid ? ExitCodes.Success : ExitCodes.InvalidInput);
        }));
        return command;
    }
}
