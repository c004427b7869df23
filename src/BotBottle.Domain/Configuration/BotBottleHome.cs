namespace BotBottle.Configuration;

/// <summary>
/// The operator's BotBottle folder: <c>$BOT_BOTTLE_HOME</c>, default <c>~/.bot-bottle</c>. Holds the trusted
/// manifests (<c>bottles/</c>, <c>agents/</c>), the skills folder, per-instance state (<c>state/&lt;slug&gt;/</c>) and
/// the proposal/audit database.
/// </summary>
public sealed class BotBottleHome
{
    /// <summary>Environment variable that overrides the home folder.</summary>
    public const string EnvironmentVariable = "BOT_BOTTLE_HOME";

    /// <summary>Creates a home rooted at <paramref name="root"/> (made absolute).</summary>
    public BotBottleHome(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The home chosen by the environment: <c>$BOT_BOTTLE_HOME</c>, else <c>~/.bot-bottle</c>.</summary>
    public static BotBottleHome FromEnvironment()
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return new BotBottleHome(string.IsNullOrWhiteSpace(env)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".bot-bottle")
            : env);
    }

    /// <summary>Absolute path of the home folder.</summary>
    public string Root { get; }

    /// <summary><c>&lt;home&gt;/bottles</c>: bottle definitions (trusted; only ever read from here).</summary>
    public string BottlesDirectory => Path.Combine(Root, "bottles");

    /// <summary><c>&lt;home&gt;/agents</c>: the operator's agent definitions.</summary>
    public string AgentsDirectory => Path.Combine(Root, "agents");

    /// <summary><c>&lt;home&gt;/providers</c>: provider plugins (<c>&lt;name&gt;.md</c>), selected by <c>agent_provider.template</c>.</summary>
    public string ProvidersDirectory => Path.Combine(Root, "providers");

    /// <summary><c>&lt;home&gt;/skills</c>: skill folders agents may name.</summary>
    public string SkillsDirectory => Path.Combine(Root, "skills");

    /// <summary><c>&lt;home&gt;/state</c>: one folder per instance.</summary>
    public string StateDirectory => Path.Combine(Root, "state");

    /// <summary><c>&lt;home&gt;/state/&lt;slug&gt;</c>.</summary>
    public string InstanceDirectory(string slug)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        return Path.Combine(StateDirectory, slug);
    }

    /// <inheritdoc />
    public override string ToString() => Root;
}
