using System.Text.Json;
using System.Text.Json.Serialization;

namespace BotBottle.Serialization;

/// <summary>Serializes an enum as its camelCase name (<c>NotApplicable</c> → <c>"notApplicable"</c>).</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter.</summary>
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
