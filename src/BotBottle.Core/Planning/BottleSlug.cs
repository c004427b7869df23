using System.Security.Cryptography;
using BotBottle.Manifest;

namespace BotBottle.Planning;

/// <summary>Instance identities (PRODUCT.md §2 "slug").</summary>
public static class BottleSlug
{
    /// <summary>Prefix of every container, VM and network name of an instance.</summary>
    public const string ResourcePrefix = "bot-bottle-";

    /// <summary>
    /// Longest slug: <c>bot-bottle-&lt;slug&gt;</c> must be a valid DNS label, at most 63 characters
    /// (RFC 1035 §2.3.4), so the slug has at most 63 - 11 = 52.
    /// </summary>
    public const int MaxLength = 63 - 11;

    /// <summary>Length of the random suffix of a minted slug.</summary>
    public const int SuffixLength = 5;

    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>Mints <c>&lt;agent&gt;-&lt;5 random base36 chars&gt;</c> from a cryptographic RNG.</summary>
    /// <param name="agent">A valid agent name (at most <see cref="ManifestNames.MaxAgentNameLength"/> characters).</param>
    public static string Mint(string agent)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        return $"{agent}-{RandomNumberGenerator.GetString(Base36, SuffixLength)}";
    }

    /// <summary>
    /// Why <paramref name="label"/> cannot be a slug, or <see langword="null"/> when it can: it must match
    /// <c>^[a-z][a-z0-9-]*$</c>, not end with <c>-</c>, and have at most <see cref="MaxLength"/> characters.
    /// </summary>
    public static string? LabelProblem(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (!ManifestNames.IsValidName(label))
        {
            return $"a label matches {ManifestNames.NamePattern} (lower-case letters, digits and '-', starting with a letter)";
        }

        if (label.EndsWith('-'))
        {
            return "a label must not end with '-' (bot-bottle-<label> is a DNS label)";
        }

        if (label.Length > MaxLength)
        {
            return $"a label has at most {MaxLength} characters, so that bot-bottle-<label> stays a valid DNS label (63 characters)";
        }

        return null;
    }
}
