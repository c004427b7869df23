using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using BotBottle.Errors;
using BotBottle.Operations;
using BotBottle.Planning;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>
/// Base of every BotBottle cmdlet. Owns the <see cref="CancellationTokenSource"/> that <see cref="StopProcessing"/>
/// cancels (Ctrl+C always works), runs core work off the pipeline thread while draining its progress and
/// messages onto the pipeline thread (every <c>Write*</c> call happens there), and maps exceptions to
/// <see cref="ErrorRecord"/>s with stable error ids and precise categories.
/// </summary>
public abstract class BotBottleCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken CancellationToken => _stopping.Token;

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// The core services for a project folder: <paramref name="projectPath"/> resolved against the current
    /// PowerShell location (which is not the process's current directory), else the current file-system location.
    /// </summary>
    /// <param name="projectPath">A project folder as the user typed it, or <see langword="null"/>.</param>
    protected BotBottleServices GetServices(string? projectPath = null)
    {
        var directory = string.IsNullOrEmpty(projectPath)
            ? SessionState.Path.CurrentFileSystemLocation.ProviderPath
            : GetUnresolvedProviderPathFromPSPath(projectPath);
        return BotBottleServices.FromEnvironment(directory);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and pumps what it reports (progress, verbose, warnings,
    /// objects) onto the pipeline thread until it finishes; then returns its result or rethrows its exception.
    /// A final <c>Completed</c> progress record is written for every activity that reported progress.
    /// </summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="work">The core call, given a sink and the stopping token.</param>
    private protected T Run<T>(Func<CmdletSink, CancellationToken, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var sink = new CmdletSink();
        var task = Task.Run(() => work(sink, CancellationToken), CancellationToken);
        task.ContinueWith(_ => sink.Complete(), TaskScheduler.Default);
        var stopped = false;
        foreach (var item in sink.Consume())
        {
            if (stopped)
            {
                continue; // Stopping: drain silently, but keep waiting for the work (its rollback) to finish.
            }

            try
            {
                Dispatch(item, sink);
            }
            catch (PipelineStoppedException)
            {
                // Ctrl+C: every Write* now throws. The work was cancelled through CancellationToken; returning before it
                // ends would leave its rollback (removing what a start had created) running unobserved.
                stopped = true;
            }
        }

        if (stopped)
        {
            try
            {
                task.GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is OperationCanceledException or BotBottleException)
            {
                // The pipeline is stopping; the outcome can no longer be written.
            }

            throw new PipelineStoppedException();
        }

        sink.CompleteActivities(this);
        return task.GetAwaiter().GetResult();
    }

    /// <summary><see cref="Run{T}"/> for work without a result.</summary>
    private protected void Run(Func<CmdletSink, CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        Run<bool>(async (sink, ct) =>
        {
            await work(sink, ct).ConfigureAwait(false);
            return true;
        });
    }

    /// <summary>Writes a non-terminating error for one failed item.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="target">The item it is about.</param>
    protected void WriteBotBottleError(Exception exception, object? target) => WriteError(ToErrorRecord(exception, target));

    /// <summary>Stops the cmdlet with a terminating error.</summary>
    /// <param name="exception">The failure.</param>
    /// <param name="target">The item it is about.</param>
    protected void ThrowBotBottleError(Exception exception, object? target) => ThrowTerminatingError(ToErrorRecord(exception, target));

    /// <summary>Maps an exception to an <see cref="ErrorRecord"/>: the exception's stable error id and category, the item as target.</summary>
    public static ErrorRecord ToErrorRecord(Exception exception, object? target)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } agg)
        {
            exception = agg.InnerExceptions[0];
        }

        return exception switch
        {
            BotBottleException b => WithRecommendedAction(new ErrorRecord(b, b.ErrorId, MapCategory(b.Category), b.TargetObject ?? target), b),
            OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, target),
            UnauthorizedAccessException => new ErrorRecord(exception, "AccessDenied", ErrorCategory.PermissionDenied, target),
            IOException => new ErrorRecord(exception, "IOError", ErrorCategory.WriteError, target),
            ArgumentException => new ErrorRecord(exception, "InvalidArgument", ErrorCategory.InvalidArgument, target),
            _ => new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, target),
        };
    }

    /// <summary>The module's command for a recommended action (Core names the action; each face words it).</summary>
    /// <param name="action">The action an error recommends.</param>
    /// <returns>E.g. <c>Remove-Bottle NAME -Force</c>.</returns>
    public static string RecommendedCommand(RecommendedAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Kind switch
        {
            RecommendedActionKind.StartBottle => $"Start-Bottle {action.Bottle}",
            RecommendedActionKind.RemoveBottle => $"Remove-Bottle {action.Bottle}",
            RecommendedActionKind.ForceRemoveBottle => $"Remove-Bottle {action.Bottle} -Force",
            RecommendedActionKind.ListBottles => "Get-Bottle",
            RecommendedActionKind.ListProposals => "Get-BottleProposal",
            RecommendedActionKind.RunCommand => $"Invoke-BottleCommand {action.Bottle} <command>",
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Kind, "Unknown recommended action."),
        };
    }

    /// <summary>
    /// Puts the module's command for <paramref name="exception"/>'s recommended action into the record's
    /// <see cref="ErrorDetails.RecommendedAction"/>, and after the message, which is what the error view shows.
    /// </summary>
    private static ErrorRecord WithRecommendedAction(ErrorRecord record, BotBottleException exception)
    {
        if (exception.Recommended is { } action)
        {
            var command = RecommendedCommand(action);
            record.ErrorDetails = new ErrorDetails($"{exception.Message} Run: {command}") { RecommendedAction = command };
        }

        return record;
    }

    /// <summary>Maps a core category to PowerShell's <see cref="ErrorCategory"/>.</summary>
    public static ErrorCategory MapCategory(BotBottleErrorCategory category) => category switch
    {
        BotBottleErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        BotBottleErrorCategory.InvalidData => ErrorCategory.InvalidData,
        BotBottleErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        BotBottleErrorCategory.ResourceExists => ErrorCategory.ResourceExists,
        BotBottleErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        BotBottleErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        BotBottleErrorCategory.NotImplemented => ErrorCategory.NotImplemented,
        BotBottleErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        BotBottleErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        BotBottleErrorCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        BotBottleErrorCategory.WriteError => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };

    private void Dispatch(CmdletSink.Item item, CmdletSink sink)
    {
        switch (item.Kind)
        {
            case CmdletSink.ItemKind.Progress:
                var p = (OperationProgress)item.Payload!;
                var id = sink.ActivityId(p.Activity);
                var record = new ProgressRecord(id, p.Activity, string.IsNullOrEmpty(p.Status) ? p.Activity : p.Status)
                {
                    PercentComplete = p.PercentComplete is >= 0 and <= 100 ? p.PercentComplete : -1,
                    RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                };
                if (p.Completed)
                {
                    sink.MarkCompleted(p.Activity);
                }

                WriteProgress(record);
                WriteVerbose(p.ToString());
                break;
            case CmdletSink.ItemKind.Verbose:
                WriteVerbose((string)item.Payload!);
                break;
            case CmdletSink.ItemKind.Warning:
                WriteWarning((string)item.Payload!);
                break;
            case CmdletSink.ItemKind.Debug:
                WriteDebug((string)item.Payload!);
                break;
            case CmdletSink.ItemKind.Output:
                WriteObject(item.Payload);
                break;
            case CmdletSink.ItemKind.Information:
                var (text, tag) = ((string, string))item.Payload!;
                WriteInformation(new HostInformationMessage { Message = text, NoNewLine = false }, ["PSHOST", tag]);
                break;
            case CmdletSink.ItemKind.Error:
                var (ex, target) = ((Exception, object?))item.Payload!;
                WriteBotBottleError(ex, target);
                break;
        }
    }

    /// <summary>Asks for one secret without echo, on the pipeline thread; <see langword="null"/> when the host cannot prompt.</summary>
    protected SecretValue? PromptForSecret(SecretRequest request)
    {
        try
        {
            // PSHostUserInterface.Prompt with a SecureString field: the host reads without echo, and a non-interactive
            // host (pwsh -NonInteractive, a runbook) refuses before printing anything.
            var field = new FieldDescription(request.Name) { HelpMessage = request.PromptText };
            field.SetParameterType(typeof(SecureString));
            var answer = Host.UI.Prompt($"Secret for agent '{request.Agent}'", request.PromptText, [field]);
            return answer is not null && answer.TryGetValue(request.Name, out var value) && value?.BaseObject is SecureString secure
                ? FromSecureString(secure)
                : null;
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or HostException or NotImplementedException or PipelineStoppedException)
        {
            // Non-interactive host: leave it missing; the service reports which secret to pass with -Secret.
            return null;
        }
    }

    /// <summary>Converts a <c>-Secret</c> hashtable (values SecureString or string) to secret values.</summary>
    /// <exception cref="BotBottleException"><c>InvalidSecretValue</c> for any other value type.</exception>
    protected static Dictionary<string, SecretValue> ConvertSecrets(Hashtable? table)
    {
        var result = new Dictionary<string, SecretValue>(StringComparer.OrdinalIgnoreCase);
        if (table is null)
        {
            return result;
        }

        foreach (DictionaryEntry entry in table)
        {
            var name = entry.Key?.ToString() ?? string.Empty;
            var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
            result[name] = value switch
            {
                SecureString s => FromSecureString(s),
                string s => new SecretValue(s),
                _ => throw new BotBottleException("InvalidSecretValue", BotBottleErrorCategory.InvalidArgument,
                    $"-Secret value for '{name}' must be a SecureString or a string, not {value?.GetType().Name ?? "null"}.") { TargetObject = name },
            };
        }

        return result;
    }

    /// <summary>Unwraps a SecureString into a <see cref="SecretValue"/> (which never prints its value).</summary>
    protected static SecretValue FromSecureString(SecureString secure) => new(new NetworkCredential(string.Empty, secure).Password);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the cancellation source.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _stopping.Dispose();
        }

        _disposed = true;
    }
}

/// <summary>
/// A thread-safe queue that core work running off the pipeline thread writes to; the cmdlet drains it on the
/// pipeline thread. Also an <see cref="IProgress{T}"/> of <see cref="OperationProgress"/> for core services.
/// </summary>
internal sealed class CmdletSink : IProgress<OperationProgress>, IDisposable
{
    private readonly BlockingCollection<Item> _queue = new();
    private readonly Dictionary<string, int> _activities = new(StringComparer.Ordinal);
    private readonly HashSet<string> _completed = new(StringComparer.Ordinal);

    internal enum ItemKind
    {
        Progress,
        Verbose,
        Warning,
        Debug,
        Output,
        Error,
        Information,
    }

    internal readonly record struct Item(ItemKind Kind, object? Payload);

    /// <inheritdoc />
    public void Report(OperationProgress value) => Add(value is { Warning: true } ? new Item(ItemKind.Warning, value.Status) : new Item(ItemKind.Progress, value));

    /// <summary>Queues a verbose message.</summary>
    public void Verbose(string message) => Add(new Item(ItemKind.Verbose, message));

    /// <summary>Queues a warning.</summary>
    public void Warning(string message) => Add(new Item(ItemKind.Warning, message));

    /// <summary>Queues an information record shown like Write-Host (e.g. a command's stderr line), tagged <paramref name="tag"/>.</summary>
    public void Information(string message, string tag) => Add(new Item(ItemKind.Information, (message, tag)));

    /// <summary>Queues a debug message.</summary>
    public void Debug(string message) => Add(new Item(ItemKind.Debug, message));

    /// <summary>Queues an object for the pipeline (written as it is produced).</summary>
    public void Output(object? value) => Add(new Item(ItemKind.Output, value));

    /// <summary>Queues a non-terminating error for one item.</summary>
    public void Error(Exception exception, object? target) => Add(new Item(ItemKind.Error, (exception, target)));

    internal void Complete() => _queue.CompleteAdding();

    internal IEnumerable<Item> Consume() => _queue.GetConsumingEnumerable();

    internal int ActivityId(string activity)
    {
        if (!_activities.TryGetValue(activity, out var id))
        {
            id = _activities.Count + 1;
            _activities[activity] = id;
        }

        return id;
    }

    internal void MarkCompleted(string activity) => _completed.Add(activity);

    internal void CompleteActivities(Cmdlet cmdlet)
    {
        foreach (var (activity, id) in _activities)
        {
            if (!_completed.Contains(activity))
            {
                cmdlet.WriteProgress(new ProgressRecord(id, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }

    private void Add(Item item)
    {
        try
        {
            _queue.Add(item);
        }
        catch (InvalidOperationException)
        {
            // The work finished (or was abandoned) and the queue is closed; late reports are dropped.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _queue.Dispose();
}
