using System.Xml;

namespace BotBottle.HelpCompiler;

/// <summary>
/// Writes PowerShell's MAML command help (<c>&lt;helpItems schema="maml"&gt;</c> of <c>command:command</c>
/// elements), the format <c>Get-Help</c> reads from <c>&lt;module&gt;/&lt;culture&gt;/&lt;assembly&gt;-Help.xml</c>
/// for binary cmdlets. Element names and order follow the MAML command schema as PowerShell's own help and
/// platyPS's <c>New-ExternalHelp</c> emit it (https://learn.microsoft.com/powershell/scripting/developer/help/writing-help-for-windows-powershell-cmdlets).
/// </summary>
internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Writes every command of <paramref name="commands"/> into one MAML file at <paramref name="path"/>.</summary>
    public static void Write(IEnumerable<CommandHelp> commands, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        using var w = XmlWriter.Create(path, settings);
        w.WriteStartDocument();
        w.WriteStartElement("helpItems", Msh);
        w.WriteAttributeString("schema", "maml");
        foreach (var c in commands)
        {
            WriteCommand(w, c);
        }

        w.WriteEndElement();
        w.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter w, CommandHelp c)
    {
        w.WriteStartElement("command", "command", Command);
        w.WriteAttributeString("xmlns", "maml", null, Maml);
        w.WriteAttributeString("xmlns", "command", null, Command);
        w.WriteAttributeString("xmlns", "dev", null, Dev);

        w.WriteStartElement("command", "details", Command);
        w.WriteElementString("command", "name", Command, c.Name);
        w.WriteElementString("command", "verb", Command, c.Verb);
        w.WriteElementString("command", "noun", Command, c.Noun);
        Description(w, [c.Synopsis]);
        w.WriteEndElement();

        Description(w, c.Description);

        var byName = c.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        w.WriteStartElement("command", "syntax", Command);
        foreach (var set in c.Syntax)
        {
            w.WriteStartElement("command", "syntaxItem", Command);
            w.WriteElementString("maml", "name", Maml, c.Name);
            foreach (var sp in set.Parameters)
            {
                var p = byName[sp.Name];
                Parameter(w, p with { Required = sp.Required }, inSyntax: true);
            }

            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "parameters", Command);
        foreach (var p in c.Parameters)
        {
            Parameter(w, p, inSyntax: false);
        }

        w.WriteEndElement();

        Types(w, "inputTypes", "inputType", c.Inputs);
        Types(w, "returnValues", "returnValue", c.Outputs);

        if (c.Notes.Count > 0)
        {
            w.WriteStartElement("maml", "alertSet", Maml);
            w.WriteStartElement("maml", "alert", Maml);
            Paras(w, c.Notes);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteStartElement("command", "examples", Command);
        foreach (var e in c.Examples)
        {
            w.WriteStartElement("command", "example", Command);
            w.WriteElementString("maml", "title", Maml, $"-------------------------- {e.Title} --------------------------");
            w.WriteElementString("dev", "code", Dev, e.Code);
            w.WriteStartElement("dev", "remarks", Dev);
            Paras(w, e.Remarks);
            w.WriteEndElement();
            w.WriteEndElement();
        }

        w.WriteEndElement();

        w.WriteStartElement("command", "relatedLinks", Command);
        foreach (var l in c.Links)
        {
            w.WriteStartElement("maml", "navigationLink", Maml);
            w.WriteElementString("maml", "linkText", Maml, l.Text);
            w.WriteElementString("maml", "uri", Maml, l.Uri);
            w.WriteEndElement();
        }

        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Parameter(XmlWriter w, ParameterHelp p, bool inSyntax)
    {
        w.WriteStartElement("command", "parameter", Command);
        w.WriteAttributeString("required", p.Required ? "true" : "false");
        w.WriteAttributeString("variableLength", p.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false");
        w.WriteAttributeString("globbing", p.Wildcards ? "true" : "false");
        w.WriteAttributeString("pipelineInput", p.PipelineInput);
        w.WriteAttributeString("position", p.Position.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "named" : p.Position);
        w.WriteAttributeString("aliases", p.Aliases.Count == 0 ? "none" : string.Join(", ", p.Aliases));
        w.WriteElementString("maml", "name", Maml, p.Name);
        Description(w, p.Description);
        if (!(inSyntax && p.IsSwitch))
        {
            w.WriteStartElement("command", "parameterValue", Command);
            w.WriteAttributeString("required", p.IsSwitch ? "false" : "true");
            w.WriteAttributeString("variableLength", "false");
            w.WriteString(p.Type);
            w.WriteEndElement();
        }

        w.WriteStartElement("dev", "type", Dev);
        w.WriteElementString("maml", "name", Maml, p.Type);
        w.WriteElementString("maml", "uri", Maml, string.Empty);
        w.WriteEndElement();
        w.WriteElementString("dev", "defaultValue", Dev, p.DefaultValue);
        w.WriteEndElement();
    }

    private static void Types(XmlWriter w, string list, string item, IReadOnlyList<TypeHelp> types)
    {
        w.WriteStartElement("command", list, Command);
        foreach (var t in types)
        {
            w.WriteStartElement("command", item, Command);
            w.WriteStartElement("dev", "type", Dev);
            w.WriteElementString("maml", "name", Maml, t.Name);
            w.WriteEndElement();
            Description(w, t.Description);
            w.WriteEndElement();
        }

        w.WriteEndElement();
    }

    private static void Description(XmlWriter w, IReadOnlyList<string> paragraphs)
    {
        w.WriteStartElement("maml", "description", Maml);
        Paras(w, paragraphs);
        w.WriteEndElement();
    }

    private static void Paras(XmlWriter w, IReadOnlyList<string> paragraphs)
    {
        foreach (var p in paragraphs)
        {
            w.WriteElementString("maml", "para", Maml, p);
        }
    }
}
