using System.Reflection;
using System.Text.RegularExpressions;

namespace BotBottle.Tests;

/// <summary>
/// Cmdlet conventions checked from metadata, so they hold where pwsh is not installed (Pester checks them again
/// against the loaded module where it is).
/// </summary>
public partial class CmdletConventionTests
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
        // The closed set comes from the backend registry at bind time (IValidateSetValuesGenerator), not a copied list.
        var set = type.GetProperty("Backend")!.GetCustomAttributesData().Single(a => a.AttributeType.Name == "ValidateSetAttribute");
        Assert.Equal("BotBottle.PowerShell.Cmdlets.BackendNameValues", ((Type)set.ConstructorArguments[0].Value!).FullName);
    }

    /// <summary>
    /// PowerShell's approved verbs (Get-Verb in PowerShell 7.4; "Approved Verbs for PowerShell Commands",
    /// learn.microsoft.com/powershell/scripting/developer/cmdlet/approved-verbs-for-windows-powershell-commands).
    /// </summary>
    private static readonly HashSet<string> ApprovedVerbs = new(StringComparer.Ordinal)
    {
        "Add", "Clear", "Close", "Copy", "Enter", "Exit", "Find", "Format", "Get", "Hide", "Join", "Lock", "Move", "New", "Open", "Optimize",
        "Pop", "Push", "Redo", "Remove", "Rename", "Reset", "Resize", "Search", "Select", "Set", "Show", "Skip", "Split", "Step", "Switch",
        "Undo", "Unlock", "Watch", "Connect", "Disconnect", "Read", "Receive", "Send", "Write", "Backup", "Checkpoint", "Compare", "Compress",
        "Convert", "ConvertFrom", "ConvertTo", "Dismount", "Edit", "Expand", "Export", "Group", "Import", "Initialize", "Limit", "Merge",
        "Mount", "Out", "Publish", "Restore", "Save", "Sync", "Unpublish", "Update", "Debug", "Measure", "Ping", "Repair", "Resolve", "Test",
        "Trace", "Approve", "Assert", "Build", "Complete", "Confirm", "Deny", "Deploy", "Disable", "Enable", "Install", "Invoke", "Register",
        "Request", "Restart", "Resume", "Start", "Stop", "Submit", "Suspend", "Uninstall", "Unregister", "Wait", "Block", "Grant", "Protect",
        "Revoke", "Unblock", "Unprotect", "Use",
    };

    private static CustomAttributeData[] ParameterAttributes(PropertyInfo p) =>
        [.. p.GetCustomAttributesData().Where(a => a.AttributeType.Name == "ParameterAttribute")];

    private static IEnumerable<PropertyInfo> Parameters(Type t) => t.GetProperties().Where(p => ParameterAttributes(p).Length > 0);

    [Fact]
    public void Every_cmdlet_uses_an_approved_verb()
    {
        using var meta = new ModuleMetadata();
        foreach (var (_, name, _) in meta.Cmdlets)
        {
            Assert.True(ApprovedVerbs.Contains(name.Split('-')[0]), $"{name}: '{name.Split('-')[0]}' is not an approved verb");
        }
    }

    [Fact]
    public void Objects_come_from_the_pipeline_and_identifiers_bind_by_property_name()
    {
        using var meta = new ModuleMetadata();
        foreach (var (type, name, _) in meta.Cmdlets)
        {
            foreach (var p in Parameters(type))
            {
                var attrs = ParameterAttributes(p);
                if (p.Name == "InputObject")
                {
                    Assert.True(attrs.All(a => Attr(a, "ValueFromPipeline") == "True"), $"{name} -InputObject must take pipeline input");
                }

                if (p.Name is "Name" or "BottleName" or "Id" or "Agent")
                {
                    Assert.True(attrs.All(a => Attr(a, "ValueFromPipelineByPropertyName") == "True"), $"{name} -{p.Name} must bind by property name");
                }
            }

            // A cmdlet that acts on existing bottles or proposals takes them as objects too.
            var acts = Parameters(type).Any(p => p.Name is "Name" or "BottleName" or "Id") && name.Split('-')[0] is not "Get" and not "Wait";
            if (acts)
            {
                Assert.True(Parameters(type).Any(p => p.Name == "InputObject"), $"{name} needs an -InputObject parameter set");
            }
        }
    }

    [Fact]
    public void Every_name_or_id_parameter_has_a_completer_and_backends_are_a_closed_set()
    {
        using var meta = new ModuleMetadata();
        foreach (var (type, name, _) in meta.Cmdlets)
        {
            // A switch is not a name (Get-BottleAgent -Bottle lists bottle definitions; New-Bottle -Bottle takes names).
            foreach (var p in Parameters(type).Where(p => p.Name is "Name" or "BottleName" or "Id" or "Agent" or "Bottle" or "Backend" && p.PropertyType.Name != "SwitchParameter"))
            {
                var data = p.GetCustomAttributesData();
                Assert.True(data.Any(a => a.AttributeType.Name is "ArgumentCompleterAttribute" or "ValidateSetAttribute"), $"{name} -{p.Name} has no completer");
            }
        }
    }

    [Fact]
    public void Sink_verbs_offer_PassThru_and_Force_never_replaces_ShouldProcess()
    {
        using var meta = new ModuleMetadata();
        foreach (var (type, name, attr) in meta.Cmdlets)
        {
            var verb = name.Split('-')[0];
            if (verb is "Stop" or "Approve" or "Deny")
            {
                Assert.True(Parameters(type).Any(p => p.Name == "PassThru"), $"{name} should have -PassThru");
            }

            if (Parameters(type).Any(p => p.Name == "Force"))
            {
                Assert.True(Attr(attr, "SupportsShouldProcess") == "True", $"{name} has -Force, so it must also support -WhatIf/-Confirm");
            }
        }
    }

    /// <summary>Every error id the code raises is documented in about_BotBottle with its category, and the page lists no id the code no longer raises.</summary>
    [Fact]
    public void Every_error_id_is_documented_in_about_BotBottle()
    {
        var raised = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in Regex.Matches(text, @"""([A-Z][A-Za-z]+)""\s*,\s*(?:BotBottleErrorCategory|ErrorCategory)\."))
            {
                raised.Add(m.Groups[1].Value);
            }

            foreach (Match m in Regex.Matches(text, @"const string Id = ""([A-Z][A-Za-z]+)"""))
            {
                raised.Add(m.Groups[1].Value);
            }
        }

        var about = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "about_BotBottle.md"));
        var documented = Regex.Matches(about, @"(?m)^\| `([A-Za-z]+)` \|").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.True(raised.Count > 30, $"found only {raised.Count} error ids; the scan is broken");
        Assert.Empty(raised.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(raised).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Format_views_only_name_properties_their_types_have()
    {
        using var meta = new ModuleMetadata();
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.ModuleDirectory, "BotBottle.Format.ps1xml"));
        foreach (var view in format.Descendants("View"))
        {
            var typeName = view.Descendants("TypeName").Single().Value.Trim();
            var type = meta.FindType(typeName);
            Assert.True(type is not null, $"the format file has a view for {typeName}, which does not exist");
            var properties = type!.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var used = view.Descendants("PropertyName").Select(e => e.Value.Trim())
                .Concat(view.Descendants("ScriptBlock").SelectMany(e => Regex.Matches(NestedBlocks().Replace(e.Value, string.Empty), @"\$_\.([A-Za-z]+)").Select(m => m.Groups[1].Value)))
                .Distinct(StringComparer.Ordinal);
            foreach (var property in used)
            {
                Assert.True(properties.Contains(property), $"view {typeName} uses {property}, which {type.Name} does not have");
            }

            Assert.Equal(view.Descendants("TableColumnHeader").Count(), view.Descendants("TableColumnItem").Count());
        }
    }

    [Fact]
    public void Help_pages_document_no_parameter_the_cmdlet_does_not_have()
    {
        using var meta = new ModuleMetadata();
        foreach (var (type, name, attr) in meta.Cmdlets)
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "cmdlets", name + ".md"));
            var real = Parameters(type).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            if (Attr(attr, "SupportsShouldProcess") == "True")
            {
                real.UnionWith(["WhatIf", "Confirm"]);
            }

            foreach (var documented in Regex.Matches(text, @"(?m)^### -([A-Za-z]+)").Select(m => m.Groups[1].Value))
            {
                Assert.True(real.Contains(documented), $"{name}.md documents -{documented}, which the cmdlet does not have");
            }
        }
    }

    /// <summary>
    /// -WhatIf writes and starts nothing: in every cmdlet that supports ShouldProcess, no core service that changes
    /// state (prepare, start, stop, remove, exec, attach, approve, deny) is called before the ShouldProcess check
    /// of the same method. Checked on the source, since the cmdlets cannot be hosted without pwsh.
    /// </summary>
    [Fact]
    public void State_changes_happen_only_after_ShouldProcess()
    {
        var dir = Path.Combine(RepoPaths.Root, "src", "BotBottle.PowerShell", "Cmdlets");
        var mutating = new Regex(@"\.(PrepareAndStartAsync|PrepareAsync|StartAsync|StopAsync|RemoveAsync|ExecAsync|AttachAsync|RunHeadlessAsync|Approve|Deny)\(");
        var checkedFiles = 0;
        foreach (var file in Directory.EnumerateFiles(dir, "*.cs"))
        {
            var text = File.ReadAllText(file);
            if (!text.Contains("SupportsShouldProcess = true", StringComparison.Ordinal))
            {
                continue;
            }

            checkedFiles++;
            foreach (Match call in mutating.Matches(text))
            {
                var before = text[..call.Index];
                var method = before.LastIndexOf("protected override void ProcessRecord()", StringComparison.Ordinal);
                var gate = before.LastIndexOf("ShouldProcess(", StringComparison.Ordinal);
                Assert.True(gate >= 0 && gate > method,
                    $"{Path.GetFileName(file)}: '{call.Value}' at offset {call.Index} is not preceded by a ShouldProcess check");
            }
        }

        Assert.True(checkedFiles >= 7, $"only {checkedFiles} ShouldProcess cmdlet files found");
    }

    /// <summary>Script blocks nested in a view's script block (<c>ForEach-Object { … }</c>), whose <c>$_</c> is another object.</summary>
    [GeneratedRegex(@"(?:ForEach-Object|Where-Object|%|\?)\s*\{[^}]*\}")]
    private static partial Regex NestedBlocks();
}
