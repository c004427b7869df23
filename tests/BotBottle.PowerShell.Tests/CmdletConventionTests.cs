using System.Reflection;

namespace BotBottle.Tests;

/// <summary>
/// Cmdlet conventions checked from metadata, so they hold where pwsh is not installed (Pester checks them again
/// against the loaded module where it is).
/// </summary>
public class CmdletConventionTests
{
    private static string Attr(CustomAttributeData a, string name) =>
        a.NamedArguments.FirstOrDefault(n => n.MemberName == name).TypedValue.Value?.ToString() ?? string.Empty;

    [Fact]
    public void Every_cmdlet_declares_an_output_type_and_has_a_help_page_and_a_pester_file()
    {
        using var meta = new ModuleMetadata();
        Assert.NotEmpty(meta.Cmdlets);
        foreach (var (type, name, _) in meta.Cmdlets)
        {
            Assert.Contains(type.GetCustomAttributesData(), a => a.AttributeType.Name == "OutputTypeAttribute");
            var page = Path.Combine(RepoPaths.Root, "docs", "cmdlets", name + ".md");
            Assert.True(File.Exists(page), $"{page} is missing");
            var text = File.ReadAllText(page);
            foreach (var section in new[] { "## SYNOPSIS", "## SYNTAX", "## DESCRIPTION", "## EXAMPLES", "## PARAMETERS", "## INPUTS", "## OUTPUTS" })
            {
                Assert.Contains(section, text, StringComparison.Ordinal);
            }

            Assert.True(text.Split("### Example ").Length - 1 >= 2, $"{name}: at least two examples");
            Assert.Contains("|", text.Split("## EXAMPLES")[1].Split("## PARAMETERS")[0], StringComparison.Ordinal); // a pipeline example
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "tests", "Pester", name + ".Tests.ps1")), $"{name}: Pester file missing");

            // Every public settable property with [Parameter] is documented.
            foreach (var p in type.GetProperties().Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.Name == "ParameterAttribute")))
            {
                Assert.Contains("### -" + p.Name, text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_output_type_of_ours_has_a_view_in_the_format_file()
    {
        using var meta = new ModuleMetadata();
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "BotBottle.Format.ps1xml"));
        var viewed = format.Descendants("TypeName").Select(e => e.Value.Trim()).ToHashSet(StringComparer.Ordinal);
        var outputs = meta.Cmdlets
            .SelectMany(c => c.Type.GetCustomAttributesData().Where(a => a.AttributeType.Name == "OutputTypeAttribute"))
            .SelectMany(a => a.ConstructorArguments.SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many : [arg]))
            .Select(arg => arg.Value as Type)
            .Where(t => t?.FullName?.StartsWith("BotBottle.", StringComparison.Ordinal) == true)
            .Select(t => t!.FullName!)
            .Distinct()
            .ToList();
        Assert.NotEmpty(outputs);
        foreach (var type in outputs)
        {
            Assert.True(viewed.Contains(type), $"{type} has no view in BotBottle.Format.ps1xml");
        }
    }

    [Fact]
    public void State_changing_cmdlets_support_should_process()
    {
        using var meta = new ModuleMetadata();
        foreach (var (_, name, attr) in meta.Cmdlets.Where(c => c.Name.Split('-')[0] is "New" or "Start" or "Stop" or "Remove" or "Approve" or "Deny" or "Invoke" or "Enter"))
        {
            Assert.True(Attr(attr, "SupportsShouldProcess") == "True", $"{name} must support ShouldProcess");
        }
    }

    [Fact]
    public void New_Bottle_binds_the_agent_from_the_pipeline_and_limits_backends()
    {
        using var meta = new ModuleMetadata();
        var type = meta.Cmdlets.Single(c => c.Name == "New-Bottle").Type;
        var agent = type.GetProperty("Agent")!.GetCustomAttributesData();
        var parameter = agent.Single(a => a.AttributeType.Name == "ParameterAttribute");
        Assert.Equal("True", Attr(parameter, "Mandatory"));
        Assert.Equal("True", Attr(parameter, "ValueFromPipelineByPropertyName"));
        var alias = agent.Single(a => a.AttributeType.Name == "AliasAttribute");
        Assert.Equal(["Name"], ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(v => (string)v.Value!));
        var set = type.GetProperty("Backend")!.GetCustomAttributesData().Single(a => a.AttributeType.Name == "ValidateSetAttribute");
        var values = ((IEnumerable<CustomAttributeTypedArgument>)set.ConstructorArguments[0].Value!).Select(v => (string)v.Value!).ToList();
        Assert.Equal(BotBottle.Planning.BottlePreparer.Backends.ToArray(), values);
    }
}
