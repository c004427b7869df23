using System.Net;
using BotBottle.Errors;

namespace BotBottle.Backends.Docker.Engine;

/// <summary>
/// The Docker engine answered an API call with an error status. <see cref="Exception.Message"/> includes the
/// engine's own message (from the <c>{"message": …}</c> body) and the call that failed.
/// </summary>
public class DockerEngineException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    /// <param name="errorId">Stable id.</param>
    /// <param name="category">Category.</param>
    /// <param name="statusCode">HTTP status the engine returned.</param>
    /// <param name="engineMessage">The engine's message.</param>
    /// <param name="operation">The call, e.g. <c>POST /containers/create</c>.</param>
    public DockerEngineException(string errorId, BotBottleErrorCategory category, HttpStatusCode statusCode, string engineMessage, string operation)
        : base(errorId, category, $"Docker engine: {engineMessage} ({operation} → {(int)statusCode})")
    {
        StatusCode = statusCode;
        EngineMessage = engineMessage;
        Operation = operation;
    }

    /// <summary>HTTP status the engine returned.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The engine's message, verbatim.</summary>
    public string EngineMessage { get; }

    /// <summary>The call that failed, e.g. <c>POST /containers/create</c>.</summary>
    public string Operation { get; }

    /// <summary>Maps a status code to the most precise exception type.</summary>
    internal static DockerEngineException From(HttpStatusCode status, string message, string operation) => status switch
    {
        HttpStatusCode.NotFound => new DockerNotFoundException(message, operation),
        HttpStatusCode.Conflict => new DockerConflictException(message, operation),
        HttpStatusCode.BadRequest => new DockerEngineException("DockerBadRequest", BotBottleErrorCategory.InvalidArgument, status, message, operation),
        HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized => new DockerEngineException("DockerPermissionDenied", BotBottleErrorCategory.PermissionDenied, status, message, operation),
        _ => new DockerEngineException("DockerEngineError", BotBottleErrorCategory.NotSpecified, status, message, operation),
    };
}

/// <summary>404: the container, image, network, volume or exec instance does not exist.</summary>
public sealed class DockerNotFoundException(string engineMessage, string operation)
    : DockerEngineException("DockerObjectNotFound", BotBottleErrorCategory.ObjectNotFound, HttpStatusCode.NotFound, engineMessage, operation);

/// <summary>409: a name is in use, or the object is in the wrong state (e.g. removing a running container without force).</summary>
public sealed class DockerConflictException(string engineMessage, string operation)
    : DockerEngineException("DockerConflict", BotBottleErrorCategory.ResourceExists, HttpStatusCode.Conflict, engineMessage, operation);

/// <summary>An image build or pull reported an error in its progress stream.</summary>
public sealed class DockerBuildException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    /// <param name="image">Image being built or pulled.</param>
    /// <param name="engineMessage">The error the stream reported.</param>
    /// <param name="outputTail">Last lines of build output, for context.</param>
    /// <param name="advice">What to do, when the failure has a known cause (e.g. an untrusted proxy CA), else <see langword="null"/>.</param>
    public DockerBuildException(string image, string engineMessage, string outputTail, string? advice = null)
        : base("ImageBuildFailed", BotBottleErrorCategory.InvalidOperation,
            $"Building image '{image}' failed: {engineMessage}" + (advice is null ? string.Empty : $"\n{advice}") + (outputTail.Length > 0 ? $"\nLast output:\n{outputTail}" : string.Empty))
    {
        EngineMessage = engineMessage;
        OutputTail = outputTail;
        Advice = advice;
        TargetObject = image;
    }

    /// <summary>The error the stream reported.</summary>
    public string EngineMessage { get; }

    /// <summary>The last lines of build output.</summary>
    public string OutputTail { get; }

    /// <summary>What to do about a failure with a known cause, or <see langword="null"/>.</summary>
    public string? Advice { get; }
}

/// <summary>No Docker engine answers at the endpoint, or it speaks an API version we do not support.</summary>
public sealed class DockerEngineUnavailableException : BotBottleException
{
    /// <summary>Creates the error.</summary>
    public DockerEngineUnavailableException(DockerEndpoint endpoint, string reason, Exception? inner = null)
        : base("BackendUnavailable", BotBottleErrorCategory.ResourceUnavailable,
            $"No Docker engine answers at {endpoint}: {reason}. Start the engine (Docker Desktop, 'sudo systemctl start docker', or 'dockerd &'), " +
            "or point DOCKER_HOST at one (unix://, npipe://, tcp:// with DOCKER_TLS_VERIFY, or ssh://).", inner)
    {
        Endpoint = endpoint;
        TargetObject = endpoint?.Address;
    }

    /// <summary>The endpoint that was tried.</summary>
    public DockerEndpoint Endpoint { get; }
}
