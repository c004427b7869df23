using System.Text;
using BotBottle.Errors;
using Xunit.Abstractions;

namespace BotBottle.Tests.Architecture;

/// <summary>
/// Layers without cycles (issue 19, item 4): the namespaces of the compiled core assemblies must form a directed
/// acyclic graph, so every dependency points one way and each area can be understood (and split out) on its own.
/// </summary>
/// <remarks>
/// Nodes: every namespace is its own node, except that the sub-namespaces of <c>BotBottle.Backends</c>
/// (<c>.Docker</c>, <c>.Docker.Engine</c>, <c>.Smolmachines</c>, …) fold into <c>BotBottle.Backends</c> (the
/// registry, the backend contracts and the families that implement them are one area; splitting it is the launch
/// pipeline's work, issue 19 item 3) and <c>BotBottle.Manifest.Yaml</c> (the parser's YAML reader) folds into
/// <c>BotBottle.Manifest</c>. The root namespace <c>BotBottle</c> (composition root and the faces' JSON context) is a
/// node of its own, at the top. How a dependency is seen: <see cref="NamespaceGraph"/>.
/// </remarks>
public sealed class NamespaceCycleTests(ITestOutputHelper output)
{
    /// <summary>The assemblies whose namespaces make up the graph: BotBottle.Domain (bottom layer) and BotBottle.Core.</summary>
    internal static IReadOnlyList<string> CoreAssemblies =>
    [
        typeof(BotBottleException).Assembly.Location,
        typeof(CoreJsonContext).Assembly.Location,
    ];

    /// <summary>The node of a namespace (see the remarks); null outside BotBottle.</summary>
    internal static string? NodeOf(string ns)
    {
        foreach (var folded in (string[])["BotBottle.Backends", "BotBottle.Manifest"])
        {
            if (ns.StartsWith(folded + ".", StringComparison.Ordinal))
            {
                return folded;
            }
        }

        return ns == "BotBottle" || ns.StartsWith("BotBottle.", StringComparison.Ordinal) ? ns : null;
    }

    [Fact]
    public void Core_namespaces_have_no_dependency_cycle()
    {
        // No edge is exempt. Issue 19 emptied the allow-list and removed it, so a new cycle must be fixed, not listed.
        var graph = NamespaceGraph.Read(CoreAssemblies, NodeOf);
        var ignored = new HashSet<(string, string)>();

        var cycles = graph.Cycles(ignored);
        var report = new StringBuilder();
        foreach (var component in cycles)
        {
            report.AppendLine($"Namespace cycle of {component.Count}: {string.Join(", ", component)}");
            foreach (var line in graph.DescribeEdges(component, ignored))
            {
                report.AppendLine(line);
            }
        }

        output.WriteLine(report.ToString());
        output.WriteLine("All edges:");
        foreach (var (from, targets) in graph.Edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {from} -> {string.Join(", ", targets.Keys.Order(StringComparer.Ordinal))}");
        }

        Assert.True(cycles.Count == 0, "Namespaces depend on each other in a cycle; make the dependency point one way (move the type, or add a small interface in the lower layer):\n" + report);
    }

    [Fact]
    public void The_reader_sees_dependencies_through_every_kind_of_reference()
    {
        // The graph of this test assembly: each probe type below reaches a different namespace in one way only.
        var graph = NamespaceGraph.Read([typeof(NamespaceCycleTests).Assembly.Location], ns => ns.StartsWith("BotBottle.Tests.Architecture.Probes", StringComparison.Ordinal) ? ns : null);
        string[] expected =
        [
            "BaseType", "Interface", "Field", "Property", "Parameter", "Return", "Local", "Call", "TypeOf", "Attribute",
            "AttributeTypeArgument", "GenericArgument", "Constraint", "Nested",
        ];
        foreach (var target in expected)
        {
            Assert.True(graph.HasEdge("BotBottle.Tests.Architecture.Probes", "BotBottle.Tests.Architecture.Probes." + target), $"missed the dependency through {target}");
        }
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var graph = NamespaceGraph.Read([typeof(NamespaceCycleTests).Assembly.Location], ns => ns.StartsWith("BotBottle.Tests.Architecture.Probes", StringComparison.Ordinal) ? ns : null);
        var cycles = graph.Cycles(new HashSet<(string, string)>());
        var cycle = Assert.Single(cycles);
        Assert.Equal(["BotBottle.Tests.Architecture.Probes", "BotBottle.Tests.Architecture.Probes.Call"], cycle);
        Assert.Empty(graph.Cycles(new HashSet<(string, string)> { ("BotBottle.Tests.Architecture.Probes.Call", "BotBottle.Tests.Architecture.Probes") }));
    }
}
