using System.Collections.Immutable;
using BotBottle.Policy;

namespace BotBottle.Dlp;

/// <summary>
/// The outbound DLP detectors to run on a request: the flag form of a route's <c>dlp.outbound_detectors</c>
/// (PRODUCT.md §3.4). Convert from the route model with <see cref="DlpDetectorsExtensions.ToDlpDetectors"/>.
/// </summary>
[Flags]
public enum DlpDetectors
{
    /// <summary>No outbound detector (<c>outbound_detectors: false</c>): nothing is scanned.</summary>
    None = 0,

    /// <summary><c>token_patterns</c>: the versioned credential rule set (<see cref="TokenRuleSet"/>) and payment card numbers.</summary>
    TokenPatterns = 1,

    /// <summary><c>known_secrets</c>: the bottle's own secret values, plain and encoded.</summary>
    KnownSecrets = 2,

    /// <summary>Both detectors: the default for a route.</summary>
    All = TokenPatterns | KnownSecrets,
}

/// <summary>Conversions between the route model's detector lists and <see cref="DlpDetectors"/>.</summary>
public static class DlpDetectorsExtensions
{
    /// <summary>
    /// Converts a route's <see cref="RouteDlp.OutboundDetectors"/> list to flags. An empty list gives
    /// <see cref="DlpDetectors.None"/>; an uninitialised (<c>default</c>) array gives <see cref="DlpDetectors.All"/>,
    /// so a route that was never given a value fails closed.
    /// </summary>
    /// <param name="detectors">The route's outbound detectors.</param>
    /// <returns>The equivalent flags.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The list holds a value that is not a defined <see cref="OutboundDetector"/>.</exception>
    public static DlpDetectors ToDlpDetectors(this ImmutableArray<OutboundDetector> detectors)
    {
        if (detectors.IsDefault)
        {
            return DlpDetectors.All;
        }

        var result = DlpDetectors.None;
        foreach (var d in detectors)
        {
            result |= d switch
            {
                OutboundDetector.TokenPatterns => DlpDetectors.TokenPatterns,
                OutboundDetector.KnownSecrets => DlpDetectors.KnownSecrets,
                _ => throw new ArgumentOutOfRangeException(nameof(detectors), d, "Unknown outbound detector."),
            };
        }

        return result;
    }

    /// <summary>Converts flags back to the route model's list (in declaration order).</summary>
    /// <param name="detectors">Flags.</param>
    /// <returns>The detectors that are set.</returns>
    public static ImmutableArray<OutboundDetector> ToOutboundDetectors(this DlpDetectors detectors)
    {
        var builder = ImmutableArray.CreateBuilder<OutboundDetector>(2);
        if ((detectors & DlpDetectors.TokenPatterns) != 0)
        {
            builder.Add(OutboundDetector.TokenPatterns);
        }

        if ((detectors & DlpDetectors.KnownSecrets) != 0)
        {
            builder.Add(OutboundDetector.KnownSecrets);
        }

        return builder.ToImmutable();
    }
}
