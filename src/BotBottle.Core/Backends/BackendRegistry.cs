using BotBottle.Errors;

namespace BotBottle.Backends;

/// <summary>
/// The backends available to this process. Chooses one for a new bottle (<c>-Backend</c>/<c>--backend</c>, then
/// <c>$BOT_BOTTLE_BACKEND</c>, then the first ready of docker, smolmachines, macos-container) and dispatches every
/// later action on the backend recorded in the bottle's metadata — never the current default.
/// </summary>
public sealed class BackendRegistry
{
    /// <summary>Environment variable naming the default backend.</summary>
    public const string EnvironmentVariable = "BOT_BOTTLE_BACKEND";

    private readonly IReadOnlyDictionary<string, IBottleBackend> _backends;
    private readonly Func<string, string?> _environment;

    /// <summary>Creates a registry over <paramref name="backends"/> (in preference order).</summary>
    public BackendRegistry(IEnumerable<IBottleBackend> backends, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(backends);
        Ordered = [.. backends];
        _backends = Ordered.ToDictionary(b => b.Name, StringComparer.Ordinal);
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The backends in preference order.</summary>
    public IReadOnlyList<IBottleBackend> Ordered { get; }

    /// <summary>The backend called <paramref name="name"/>.</summary>
    /// <exception cref="BotBottleException"><c>InvalidBackend</c> when there is no such backend.</exception>
    public IBottleBackend Get(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _backends.TryGetValue(name, out var b) ? b
            : throw new BotBottleException("InvalidBackend", BotBottleErrorCategory.InvalidArgument,
                $"'{name}' is not a backend; choose one of {string.Join(", ", _backends.Keys)}.") { TargetObject = name };
    }

    /// <summary>
    /// Picks the backend for a new bottle and checks it is ready; throws before anything is created otherwise.
    /// </summary>
    /// <param name="requested">Explicit choice (parameter or plan), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the readiness checks.</param>
    /// <exception cref="BotBottleException"><c>BackendUnavailable</c> with each backend's problems and what to do.</exception>
    public async Task<IBottleBackend> ChooseAsync(string? requested, CancellationToken cancellationToken)
    {
        var name = requested ?? (_environment(EnvironmentVariable) is { Length: > 0 } env ? env : null);
        if (name is not null)
        {
            var backend = Get(name);
            var readiness = await backend.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (!readiness.Ready)
            {
                throw new BotBottleException("BackendUnavailable", BotBottleErrorCategory.ResourceUnavailable,
                    $"The {name} backend cannot run bottles on this host: {string.Join(" ", readiness.Problems)}") { TargetObject = name };
            }

            return backend;
        }

        var problems = new List<string>();
        foreach (var backend in Ordered)
        {
            var readiness = await backend.CheckAsync(cancellationToken).ConfigureAwait(false);
            if (readiness.Ready)
            {
                return backend;
            }

            problems.Add($"{backend.Name}: {string.Join(" ", readiness.Problems)}");
        }

        throw new BotBottleException("BackendUnavailable", BotBottleErrorCategory.ResourceUnavailable,
            $"No backend can run bottles on this host. {string.Join(" | ", problems)}");
    }

    /// <summary>Fails before anything is touched when <paramref name="backend"/> lacks <paramref name="needed"/>.</summary>
    /// <exception cref="BotBottleException"><c>ActionNotSupported</c> naming the backend and the action.</exception>
    public static void Require(IBottleBackend backend, BackendCapabilities needed, string action, string slug)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if ((backend.Capabilities & needed) != needed)
        {
            throw new BotBottleException("ActionNotSupported", BotBottleErrorCategory.NotImplemented,
                $"The {backend.Name} backend does not support {action}; bottle '{slug}' was left as it was.") { TargetObject = slug };
        }
    }
}
