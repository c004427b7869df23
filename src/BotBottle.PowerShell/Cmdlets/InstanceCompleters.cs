using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BotBottle.Configuration;
using BotBottle.Instances;

namespace BotBottle.PowerShell.Cmdlets;

/// <summary>Completes bottle instance names (slugs) from the state folder names; never touches an engine.</summary>
public sealed class BottleInstanceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete ?? string.Empty;
        var store = new InstanceStore(BotBottleHome.FromEnvironment());
        foreach (var slug in store.Slugs().Where(s => s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new CompletionResult(slug, slug, CompletionResultType.ParameterValue, slug);
        }
    }
}

/// <summary>Completes backend names.</summary>
public sealed class BackendNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete ?? string.Empty;
        foreach (var name in Planning.BottlePreparer.Backends.Where(b => b.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, name);
        }
    }
}
