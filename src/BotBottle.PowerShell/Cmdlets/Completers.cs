using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>Completes agent names from file names in the home and project agent folders (local state only, nothing parsed).</summary>
public sealed class AgentNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Complete(wordToComplete, fakeBoundParameters, s => s.Catalog.AgentNames());

    internal static IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary? fakeBoundParameters, Func<BotBottleServices, IEnumerable<string>> names)
    {
        var project = fakeBoundParameters?["Path"] as string;
        BotBottleServices services;
        try
        {
            services = BotBottleServices.FromEnvironment(string.IsNullOrEmpty(project) ? null : Path.GetFullPath(project));
        }
        catch (ArgumentException)
        {
            yield break;
        }

        var prefix = wordToComplete ?? string.Empty;
        foreach (var name in names(services).Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }
}

/// <summary>Completes bottle names from file names in <c>&lt;home&gt;/bottles</c> (local state only).</summary>
public sealed class BottleNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        AgentNameCompleter.Complete(wordToComplete, fakeBoundParameters, s => s.Catalog.BottleNames());
}
