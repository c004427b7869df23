using System.Management.Automation;
using BotBottle.Instances;
using BotBottle.Manifest;
using BotBottle.Planning;
using BotBottle.Proposals;

namespace BotBottle.PowerShell.Cmdlets;

// Valid values of string parameters, generated from BotBottle.Core at bind time (PowerShell 7's
// IValidateSetValuesGenerator, https://learn.microsoft.com/dotnet/api/system.management.automation.ivalidatesetvaluesgenerator).
//
// Why strings and not Core enums as parameter types: a cmdlet class holds its parameter values in fields, and the
// runtime must load the type of every value-type field (an enum, Nullable<enum>) to lay the class out. PowerShell
// enumerates the module's exported types while importing it, before IModuleAssemblyInitializer.OnImport registers
// the resolver that finds BotBottle.Core in the module's load context; a Core enum field there fails the import
// ("Could not load file or assembly 'BotBottle.Core'"). Reference-type parameters (Bottle, BottleProposal) are
// resolved lazily, after OnImport, and stay typed. ModuleSurfaceTests enforces the rule.

/// <summary>Backend names (<c>docker</c>, <c>smolmachines</c>, <c>macos-container</c>), from <see cref="BottlePreparer.Backends"/>.</summary>
public sealed class BackendNameValues : IValidateSetValuesGenerator
{
    /// <inheritdoc />
    public string[] GetValidValues() => [.. BottlePreparer.Backends];
}

/// <summary>The names of <see cref="ProposalState"/> (Pending, Approved, Modified, Denied, Expired).</summary>
public sealed class ProposalStateValues : IValidateSetValuesGenerator
{
    /// <inheritdoc />
    public string[] GetValidValues() => Enum.GetNames<ProposalState>();
}

/// <summary>The names of <see cref="ProposalKind"/> (EgressAllow, EgressTokenAllow, GitleaksAllow).</summary>
public sealed class ProposalKindValues : IValidateSetValuesGenerator
{
    /// <inheritdoc />
    public string[] GetValidValues() => Enum.GetNames<ProposalKind>();
}

/// <summary>The names of <see cref="ManifestKind"/> (Agent, Bottle, Provider).</summary>
public sealed class ManifestKindValues : IValidateSetValuesGenerator
{
    /// <inheritdoc />
    public string[] GetValidValues() => Enum.GetNames<ManifestKind>();
}

/// <summary>Turns a validated string parameter back into its Core enum.</summary>
internal static class ValueSet
{
    /// <summary><paramref name="value"/> as <typeparamref name="T"/> (case-insensitive), or <see langword="null"/> when not given.</summary>
    /// <exception cref="ArgumentException">Not a name of <typeparamref name="T"/> (ValidateSet has already refused it when bound by PowerShell).</exception>
    public static T? Parse<T>(string? value)
        where T : struct, Enum =>
        string.IsNullOrEmpty(value) ? null : Enum.Parse<T>(value, ignoreCase: true);
}
