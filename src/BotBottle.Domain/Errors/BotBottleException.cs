namespace BotBottle.Errors;

/// <summary>
/// The kind of failure a <see cref="BotBottleException"/> describes. Surfaces map it to their own vocabulary:
/// the PowerShell module to an <c>ErrorCategory</c>, the CLI to an exit code.
/// </summary>
public enum BotBottleErrorCategory
{
    /// <summary>The operation failed for a reason not covered by a more precise category.</summary>
    NotSpecified = 0,

    /// <summary>An argument or input document is malformed (PowerShell: <c>InvalidArgument</c>).</summary>
    InvalidArgument,

    /// <summary>Stored or received data is malformed (PowerShell: <c>InvalidData</c>).</summary>
    InvalidData,

    /// <summary>The named object (bottle, agent, proposal, container…) does not exist (PowerShell: <c>ObjectNotFound</c>).</summary>
    ObjectNotFound,

    /// <summary>The object already exists (PowerShell: <c>ResourceExists</c>).</summary>
    ResourceExists,

    /// <summary>A required host resource (engine, binary, device) is missing or not answering (PowerShell: <c>ResourceUnavailable</c>).</summary>
    ResourceUnavailable,

    /// <summary>The object is in the wrong state for the operation (PowerShell: <c>InvalidOperation</c>).</summary>
    InvalidOperation,

    /// <summary>The backend does not support the operation (PowerShell: <c>NotImplemented</c>).</summary>
    NotImplemented,

    /// <summary>Access was refused (PowerShell: <c>PermissionDenied</c>).</summary>
    PermissionDenied,

    /// <summary>A connection to a peer failed or broke (PowerShell: <c>ConnectionError</c>).</summary>
    ConnectionError,

    /// <summary>The operation was stopped: cancelled or timed out (PowerShell: <c>OperationStopped</c> / <c>OperationTimeout</c>).</summary>
    OperationTimeout,

    /// <summary>A write to disk or to the engine failed (PowerShell: <c>WriteError</c>).</summary>
    WriteError,
}

/// <summary>
/// Base class of every error BotBottle raises on purpose. Each carries a stable, PascalCase
/// <see cref="ErrorId"/> naming the condition (for example <c>BottleNotFound</c>, <c>BackendUnavailable</c>) that
/// scripts may match on, and a <see cref="Category"/>. Messages say what went wrong and what to do, and never
/// contain a secret value.
/// </summary>
public class BotBottleException : Exception
{
    /// <summary>Creates an error with a stable id, a category and a message.</summary>
    /// <param name="errorId">Stable PascalCase name of the condition.</param>
    /// <param name="category">Kind of failure.</param>
    /// <param name="message">Human-readable message that says what to do; must not contain secrets.</param>
    /// <param name="innerException">Underlying cause, if any.</param>
    public BotBottleException(string errorId, BotBottleErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorId);
        ErrorId = errorId;
        Category = category;
    }

    /// <summary>Stable PascalCase name of the condition, e.g. <c>BottleNotFound</c>.</summary>
    public string ErrorId { get; }

    /// <summary>Kind of failure.</summary>
    public BotBottleErrorCategory Category { get; }

    /// <summary>The item the error is about (a slug, a proposal id, a file path), when there is one.</summary>
    public object? TargetObject { get; init; }

    /// <summary>The command that resolves it, when there is one; each face words it in its own syntax.</summary>
    public RecommendedAction? Recommended { get; init; }
}
