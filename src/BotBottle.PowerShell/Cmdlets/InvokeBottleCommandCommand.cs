using System.Management.Automation;
using BotBottle.Backends;
using BotBottle.Errors;
using BotBottle.Instances;
using BotBottle.Processes;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs a command in a running bottle and outputs its stdout lines.</para>
/// <para type="description">The command is an argument vector run as the agent user in /workspace; no shell is involved unless you run one (-Command bash, -c, '…'). Stdout lines are written to the pipeline as they arrive, stderr lines to the information stream (shown like Write-Host). The exit code is in $LASTEXITCODE; a non-zero exit is the non-terminating error BottleCommandFailed. -PassThru outputs a BottleCommandResult instead of the lines.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BottleCommand", SupportsShouldProcess = true, DefaultParameterSetName = ByName)]
[OutputType(typeof(string), typeof(BottleCommandResult))]
public sealed class InvokeBottleCommandCommand : BottleTargetCmdlet
{
    /// <summary>The command and its arguments.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
#pragma warning disable CA1819 // PowerShell binds arrays.
    public string[] Command { get; set; } = [];
#pragma warning restore CA1819

    /// <summary>Working folder in the bottle (default /workspace).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WorkingDirectory { get; set; }

    /// <summary>Output one BottleCommandResult (exit code, stdout, stderr, duration) instead of the stdout lines.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var services = GetServices();
        foreach (var name in Targets)
        {
            if (!ShouldProcess(name, $"Run '{string.Join(' ', Command)}'"))
            {
                continue;
            }

            try
            {
                var result = Run((sink, ct) => services.Bottles.ExecAsync(name, new BottleExecRequest { Command = Command, WorkingDirectory = WorkingDirectory }, line =>
                {
                    if (line.Stream == ProcessStream.StandardError)
                    {
                        sink.Information(line.Text, "stderr");
                    }
                    else if (!PassThru)
                    {
                        sink.Output(line.Text);
                    }
                }, ct));
                SessionState.PSVariable.Set("global:LASTEXITCODE", result.ExitCode);
                if (PassThru)
                {
                    WriteObject(result);
                }

                if (result.ExitCode != 0)
                {
                    WriteError(new ErrorRecord(
                        new BotBottleException("BottleCommandFailed", BotBottleErrorCategory.NotSpecified, $"'{string.Join(' ', Command)}' in bottle '{name}' exited {result.ExitCode}."),
                        "BottleCommandFailed", ErrorCategory.NotSpecified, result));
                }
            }
            catch (Exception ex) when (ex is BotBottleException or OperationCanceledException)
            {
                WriteBotBottleError(ex, name);
            }
        }
    }
}
