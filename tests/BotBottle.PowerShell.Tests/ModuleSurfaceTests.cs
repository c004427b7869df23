using System.Reflection;

namespace BotBottle.Tests;

/// <summary>
/// The rule that lets PowerShell import the module: PowerShell enumerates the cmdlet assembly's exported types
/// (<c>Assembly.GetExportedTypes</c>, in <c>PSSnapInHelpers.AnalyzeModuleAssemblyWithReflection</c>) before it calls
/// <c>IModuleAssemblyInitializer.OnImport</c>, where the resolver that finds BotBottle.Core in the module's own
/// load context is registered. Loading a type needs its base types, interfaces and the types of its value-type
/// fields (for the layout); anything else (reference-type parameters such as <c>Bottle[]</c>, method signatures) is
/// resolved later, after OnImport. So no type of the cmdlet assembly may derive from, implement, or hold a value-type
/// field of a type from BotBottle.Core or a third-party dependency. (Seen when this rule was broken: "Import-Module:
/// Could not load file or assembly 'BotBottle.Core'", from a <c>ProposalState?</c> parameter's backing field.)
/// </summary>
public class ModuleSurfaceTests
{
    private static bool Allowed(Assembly a, Assembly root) =>
        a == root || a.GetName().Name is "System.Management.Automation" or "System.Private.CoreLib" or "System.Runtime" or "netstandard"
            || a.GetName().Name!.StartsWith("System.", StringComparison.Ordinal) || a.GetName().Name == "mscorlib";

    private static IEnumerable<Type> Mentioned(Type t)
    {
        if (t.IsGenericType)
        {
            foreach (var arg in t.GetGenericArguments().SelectMany(Mentioned))
            {
                yield return arg;
            }
        }

        if (t.HasElementType)
        {
            foreach (var e in Mentioned(t.GetElementType()!))
            {
                yield return e;
            }
        }

        if (!t.IsGenericParameter)
        {
            yield return t.IsGenericType ? t.GetGenericTypeDefinition() : t;
        }
    }

    /// <summary>Every way a type of <paramref name="root"/> needs another assembly (not SMA, not the BCL) to load.</summary>
    private static List<string> Violations(Assembly root)
    {
        var problems = new List<string>();
        // Exported types only: PowerShell calls GetExportedTypes; internal types load when first used, after OnImport.
        foreach (var type in root.GetTypes().Where(t => t.IsVisible))
        {
            for (var b = type.BaseType; b is not null; b = b.BaseType)
            {
                problems.AddRange(Mentioned(b).Where(m => !Allowed(m.Assembly, root)).Select(m => $"{type.FullName} derives from {m.FullName}"));
            }

            foreach (var i in type.GetInterfaces())
            {
                problems.AddRange(Mentioned(i).Where(m => !Allowed(m.Assembly, root)).Select(m => $"{type.FullName} implements {i.FullName}"));
            }

            foreach (var f in type.GetFields(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                // Value types are needed for the layout; so are the generic arguments of a value type (Nullable<ProposalState>).
                if (f.FieldType.IsValueType)
                {
                    problems.AddRange(Mentioned(f.FieldType).Where(m => !Allowed(m.Assembly, root)).Select(m => $"{type.FullName}.{f.Name} is a {m.FullName} (value type)"));
                }
            }
        }

        return [.. problems.Distinct()];
    }

    [Fact]
    public void No_type_of_the_cmdlet_assembly_needs_a_dependency_to_load()
    {
        using var meta = new ModuleMetadata();
        var problems = Violations(meta.Assembly);
        Assert.True(problems.Count == 0, "Types that cannot load before OnImport:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_rule_sees_a_core_enum_field_and_a_core_interface()
    {
        // Positive control: this test assembly has both kinds of violation on purpose (Holder below).
        var problems = Violations(typeof(Holder).Assembly);
        Assert.Contains(problems, p => p.Contains("Holder._state is a BotBottle.Proposals.ProposalState", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Holder implements System.IProgress`1[[BotBottle.Operations.OperationProgress", StringComparison.Ordinal)
            || p.Contains("Holder implements System.IProgress", StringComparison.Ordinal));
    }

#pragma warning disable CS0649 // Never assigned: only its type matters.
    public sealed class Holder : IProgress<BotBottle.Operations.OperationProgress>
    {
        private BotBottle.Proposals.ProposalState? _state;

        public BotBottle.Proposals.ProposalState? State => _state;

        public void Report(BotBottle.Operations.OperationProgress value)
        {
        }
    }
#pragma warning restore CS0649
}
