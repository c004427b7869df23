namespace BotBottle.Dlp;

/// <summary>
/// A versioned, documented set of credential formats (<c>token_patterns</c>, PRODUCT.md §3.4). The table of rules,
/// their shapes and sources is in <c>docs/dlp-rules.md</c>. Immutable.
/// </summary>
public sealed class TokenRuleSet
{
    private static readonly Lazy<TokenRuleSet> s_default = new(() => new TokenRuleSet(BuiltInRules.Version, BuiltInRules.Create()));

    private TokenRuleSet(string version, IReadOnlyList<TokenRule> rules)
    {
        Version = version;
        Rules = rules;
    }

    /// <summary>Every built-in rule.</summary>
    public static TokenRuleSet Default => s_default.Value;

    /// <summary>Rule set version, <c>YYYY.MM</c> of the last change to a rule (e.g. <c>2026.11</c>). Filtered sets keep the version and add <c>+custom</c>.</summary>
    public string Version { get; }

    /// <summary>The rules, in documentation order.</summary>
    public IReadOnlyList<TokenRule> Rules { get; }

    /// <summary>Looks a rule up by id (ordinal).</summary>
    /// <param name="id">Rule id.</param>
    /// <returns>The rule, or <see langword="null"/>.</returns>
    public TokenRule? Find(string id)
    {
        foreach (var rule in Rules)
        {
            if (string.Equals(rule.Id, id, StringComparison.Ordinal))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>A set without the given rules (for example to turn off <c>payment-card</c> on a route that handles test cards).</summary>
    /// <param name="ids">Rule ids to leave out.</param>
    /// <returns>The filtered set.</returns>
    /// <exception cref="ArgumentException">An id is not in this set.</exception>
    public TokenRuleSet Without(params string[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        CheckIds(ids);
        return new TokenRuleSet(CustomVersion, Rules.Where(r => !ids.Contains(r.Id, StringComparer.Ordinal)).ToArray());
    }

    /// <summary>A set with only the given rules.</summary>
    /// <param name="ids">Rule ids to keep.</param>
    /// <returns>The filtered set.</returns>
    /// <exception cref="ArgumentException">An id is not in this set.</exception>
    public TokenRuleSet Only(params string[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        CheckIds(ids);
        return new TokenRuleSet(CustomVersion, Rules.Where(r => ids.Contains(r.Id, StringComparer.Ordinal)).ToArray());
    }

    /// <summary>The version and the number of rules.</summary>
    /// <returns>e.g. <c>token_patterns 2026.11 (35 rules)</c>.</returns>
    public override string ToString() => $"token_patterns {Version} ({Rules.Count} rules)";

    private string CustomVersion => Version.EndsWith("+custom", StringComparison.Ordinal) ? Version : Version + "+custom";

    private void CheckIds(string[] ids)
    {
        foreach (var id in ids)
        {
            if (Find(id) is null)
            {
                throw new ArgumentException($"Unknown DLP rule id '{id}'. Known ids: {string.Join(", ", Rules.Select(r => r.Id))}.", nameof(ids));
            }
        }
    }
}
