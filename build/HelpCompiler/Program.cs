using BotBottle.HelpCompiler;

// Usage: BotBottle.HelpCompiler <folder of Verb-Noun.md pages> <output MAML file>
// Exit codes: 0 written, 1 a page is malformed (the message names file and line), 2 wrong usage.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: BotBottle.HelpCompiler <docs/cmdlets folder> <output -Help.xml>");
    return 2;
}

try
{
    var pages = Directory.GetFiles(args[0], "*-*.md").Order(StringComparer.Ordinal).Select(MarkdownHelpReader.Read).ToList();
    MamlWriter.Write(pages, args[1]);
    Console.WriteLine($"help: {pages.Count} cmdlet pages -> {args[1]}");
    return 0;
}
catch (HelpFormatException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
