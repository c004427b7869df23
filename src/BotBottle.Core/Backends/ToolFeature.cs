namespace BotBottle.Backends;

/// <summary>
/// One feature of an outside tool (<c>smolvm</c>, Apple <c>container</c>) that a backend relies on, with the first
/// release that has it. A backend's minimum tool version is the highest of its features' versions
/// (<see cref="Minimum"/>), so the version BotBottle asks for is derived from what it uses, never picked by hand;
/// <c>bot-bottle doctor</c> lists each line (<see cref="Describe"/>).
/// </summary>
/// <param name="Tool">The tool, e.g. <c>smolvm</c>.</param>
/// <param name="Feature">What is used, e.g. <c>machine cp --mode/--uid/--gid</c>.</param>
/// <param name="MinimumVersion">First release that has it.</param>
/// <param name="Source">Where the version was read: upstream repository file and the tag it first appears in.</param>
internal sealed record ToolFeature(string Tool, string Feature, Version MinimumVersion, string Source)
{
    /// <summary>The highest <see cref="MinimumVersion"/> of <paramref name="features"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="features"/> is empty.</exception>
    public static Version Minimum(IEnumerable<ToolFeature> features) => features.Max(f => f.MinimumVersion)
        ?? throw new InvalidOperationException("A backend without tool features has no minimum version.");

    /// <summary>One line for doctor: <c>smolvm ≥ 1.9.0: machine cp --mode/--uid/--gid</c>.</summary>
    public string Describe() => $"{Tool} >= {MinimumVersion}: {Feature}";
}
