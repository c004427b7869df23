using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;

namespace BotBottle.Tests.Architecture;

/// <summary>
/// The namespace dependency graph of compiled BotBottle assemblies, read from their metadata with
/// System.Reflection.Metadata (ECMA-335 tables, not reflection: nothing is loaded or run).
/// </summary>
/// <remarks>
/// A type depends on every type named by: its base type, interfaces, generic constraints, custom attributes (the
/// constructor's type and <c>typeof(...)</c> arguments), field / property / event / method signatures, method-impl
/// (explicit interface) targets, local variable signatures, and every metadata token in its method bodies' IL
/// (type, field, method, member, method-spec and stand-alone signature tokens). Nested and compiler-generated types
/// (closures, state machines) count as their outermost declaring type. Each namespace is mapped to a node by
/// <see cref="NodeOf"/>; edges record one example type pair as a witness.
/// </remarks>
internal sealed class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, string>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(Func<string, string?> nodeOf) => NodeOf = nodeOf;

    /// <summary>Maps a namespace to its graph node, or null for namespaces outside the graph.</summary>
    public Func<string, string?> NodeOf { get; }

    /// <summary>Every node that has an edge (in or out) or a type.</summary>
    public SortedSet<string> Nodes { get; } = new(StringComparer.Ordinal);

    /// <summary>Edges: from → (to → witness "FromType → ToType").</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> Edges => _edges;

    /// <summary>Reads the assemblies at <paramref name="paths"/>.</summary>
    public static NamespaceGraph Read(IEnumerable<string> paths, Func<string, string?> nodeOf)
    {
        var graph = new NamespaceGraph(nodeOf);
        foreach (var path in paths)
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            new AssemblyScanner(graph, pe).Scan();
        }

        return graph;
    }

    /// <summary>True when <paramref name="from"/> → <paramref name="to"/> is an edge.</summary>
    public bool HasEdge(string from, string to) => _edges.TryGetValue(from, out var targets) && targets.ContainsKey(to);

    /// <summary>The strongly connected components with more than one node (each one a cycle), ignoring <paramref name="ignored"/> edges.</summary>
    public List<List<string>> Cycles(ISet<(string From, string To)> ignored)
    {
        // Tarjan's algorithm, iterative enough for a graph of a few dozen nodes (recursion depth ≤ node count).
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Successors(v))
            {
                if (ignored.Contains((v, w)))
                {
                    continue;
                }

                if (!index.TryGetValue(w, out var wIndex))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], wIndex);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    result.Add(component);
                }
            }
        }

        foreach (var node in Nodes)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return result;
    }

    /// <summary>The edges inside one component, with their witnesses, one per line.</summary>
    public IEnumerable<string> DescribeEdges(IReadOnlyCollection<string> component, ISet<(string From, string To)> ignored)
    {
        foreach (var from in component.Order(StringComparer.Ordinal))
        {
            if (!_edges.TryGetValue(from, out var targets))
            {
                continue;
            }

            foreach (var (to, witness) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                if (component.Contains(to) && !ignored.Contains((from, to)))
                {
                    yield return $"  {from} -> {to}   (e.g. {witness})";
                }
            }
        }
    }

    private IEnumerable<string> Successors(string node) =>
        _edges.TryGetValue(node, out var targets) ? targets.Keys.Order(StringComparer.Ordinal) : [];

    private void Add(string fromNamespace, string fromType, string toNamespace, string toType)
    {
        var from = NodeOf(fromNamespace);
        var to = NodeOf(toNamespace);
        if (from is null)
        {
            return;
        }

        Nodes.Add(from);
        if (to is null || to == from)
        {
            return;
        }

        Nodes.Add(to);
        if (!_edges.TryGetValue(from, out var targets))
        {
            _edges[from] = targets = new(StringComparer.Ordinal);
        }

        targets.TryAdd(to, $"{fromType} -> {toType}");
    }

    /// <summary>A type named by full name: namespace plus the outermost type's name.</summary>
    private readonly record struct TypeName(string Namespace, string Name)
    {
        public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}.{Name}";
    }

    private sealed class AssemblyScanner(NamespaceGraph graph, PEReader pe)
    {
        private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value);

        private readonly MetadataReader _md = pe.GetMetadataReader();
        private readonly SignatureNames _provider = new();
        private TypeName _current;

        public void Scan()
        {
            foreach (var handle in _md.TypeDefinitions)
            {
                var type = _md.GetTypeDefinition(handle);
                _current = Outermost(handle);
                graph.Add(_current.Namespace, _current.ToString(), _current.Namespace, _current.ToString());
                ScanType(type);
            }
        }

        private void ScanType(TypeDefinition type)
        {
            Reference(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                var impl = _md.GetInterfaceImplementation(i);
                Reference(impl.Interface);
                Attributes(impl.GetCustomAttributes());
            }

            Attributes(type.GetCustomAttributes());
            GenericParameters(type.GetGenericParameters());
            var context = new GenericContext();
            foreach (var f in type.GetFields())
            {
                var field = _md.GetFieldDefinition(f);
                Names(field.DecodeSignature(_provider, context));
                Attributes(field.GetCustomAttributes());
            }

            foreach (var p in type.GetProperties())
            {
                var property = _md.GetPropertyDefinition(p);
                var sig = property.DecodeSignature(_provider, context);
                Names(sig.ReturnType);
                NamesAll(sig.ParameterTypes);
                Attributes(property.GetCustomAttributes());
            }

            foreach (var e in type.GetEvents())
            {
                var ev = _md.GetEventDefinition(e);
                Reference(ev.Type);
                Attributes(ev.GetCustomAttributes());
            }

            foreach (var m in type.GetMethodImplementations())
            {
                var impl = _md.GetMethodImplementation(m);
                Reference(impl.MethodDeclaration);
                Reference(impl.MethodBody);
            }

            foreach (var m in type.GetMethods())
            {
                var method = _md.GetMethodDefinition(m);
                var sig = method.DecodeSignature(_provider, context);
                Names(sig.ReturnType);
                NamesAll(sig.ParameterTypes);
                Attributes(method.GetCustomAttributes());
                GenericParameters(method.GetGenericParameters());
                foreach (var p in method.GetParameters())
                {
                    Attributes(_md.GetParameter(p).GetCustomAttributes());
                }

                if (method.RelativeVirtualAddress != 0)
                {
                    Body(pe.GetMethodBody(method.RelativeVirtualAddress));
                }
            }
        }

        private void GenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var g in parameters)
            {
                var parameter = _md.GetGenericParameter(g);
                Attributes(parameter.GetCustomAttributes());
                foreach (var c in parameter.GetConstraints())
                {
                    Reference(_md.GetGenericParameterConstraint(c).Type);
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                var attribute = _md.GetCustomAttribute(a);
                Reference(attribute.Constructor);
                try
                {
                    var value = attribute.DecodeValue(_provider);
                    foreach (var argument in value.FixedArguments.Concat(value.NamedArguments.Select(n => new CustomAttributeTypedArgument<ImmutableArray<TypeName>>(n.Type, n.Value))))
                    {
                        AttributeArgument(argument.Value);
                    }
                }
                catch (BadImageFormatException)
                {
                    // An enum argument whose underlying type is not int: the constructor's type was still recorded.
                }
            }
        }

        private void AttributeArgument(object? value)
        {
            switch (value)
            {
                case ImmutableArray<TypeName> names:
                    Names(names);
                    break;
                case IEnumerable<CustomAttributeTypedArgument<ImmutableArray<TypeName>>> items:
                    foreach (var item in items)
                    {
                        AttributeArgument(item.Value);
                    }

                    break;
            }
        }

        private void Body(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
            {
                var locals = _md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_provider, new GenericContext());
                NamesAll(locals);
            }

            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short value = il.ReadByte();
                if (value == 0xFE)
                {
                    value = unchecked((short)(0xFE00 | il.ReadByte()));
                }

                var op = s_opCodes[value];
                switch (op.OperandType)
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        il.ReadByte();
                        break;
                    case OperandType.InlineVar:
                        il.ReadInt16();
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        il.ReadInt64();
                        break;
                    case OperandType.InlineSwitch:
                        var count = il.ReadInt32();
                        for (var i = 0; i < count; i++)
                        {
                            il.ReadInt32();
                        }

                        break;
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineTok:
                    case OperandType.InlineType:
                    case OperandType.InlineSig:
                        Reference(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default:
                        // InlineBrTarget, InlineI, InlineString, ShortInlineR: four bytes, no metadata reference.
                        il.ReadInt32();
                        break;
                }
            }
        }

        private void Reference(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            var context = new GenericContext();
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                case HandleKind.TypeReference:
                    Name(NameOf(handle));
                    break;
                case HandleKind.TypeSpecification:
                    Names(_md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_provider, context));
                    break;
                case HandleKind.MethodDefinition:
                    var method = _md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    Name(Outermost(method.GetDeclaringType()));
                    break;
                case HandleKind.FieldDefinition:
                    Name(Outermost(_md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType()));
                    break;
                case HandleKind.MemberReference:
                    var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                    Reference(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        var sig = member.DecodeMethodSignature(_provider, context);
                        Names(sig.ReturnType);
                        NamesAll(sig.ParameterTypes);
                    }
                    else
                    {
                        Names(member.DecodeFieldSignature(_provider, context));
                    }

                    break;
                case HandleKind.MethodSpecification:
                    var spec = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Reference(spec.Method);
                    NamesAll(spec.DecodeSignature(_provider, context));
                    break;
                case HandleKind.StandaloneSignature:
                    var standalone = _md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (standalone.GetKind() == StandaloneSignatureKind.Method)
                    {
                        var sig = standalone.DecodeMethodSignature(_provider, context);
                        Names(sig.ReturnType);
                        NamesAll(sig.ParameterTypes);
                    }

                    break;
            }
        }

        private void NamesAll(IEnumerable<ImmutableArray<TypeName>> all)
        {
            foreach (var names in all)
            {
                Names(names);
            }
        }

        private void Names(ImmutableArray<TypeName> names)
        {
            foreach (var name in names)
            {
                Name(name);
            }
        }

        private void Name(TypeName name) =>
            graph.Add(_current.Namespace, _current.ToString(), name.Namespace, name.ToString());

        private TypeName NameOf(EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => Outermost((TypeDefinitionHandle)handle),
            HandleKind.TypeReference => OutermostReference((TypeReferenceHandle)handle),
            _ => new TypeName(string.Empty, "?"),
        };

        private TypeName Outermost(TypeDefinitionHandle handle)
        {
            var type = _md.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                type = _md.GetTypeDefinition(type.GetDeclaringType());
            }

            return new TypeName(_md.GetString(type.Namespace), _md.GetString(type.Name));
        }

        private TypeName OutermostReference(TypeReferenceHandle handle)
        {
            var type = _md.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = _md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            }

            return new TypeName(_md.GetString(type.Namespace), _md.GetString(type.Name));
        }

        /// <summary>Signature decoding into "the types this signature names".</summary>
        private sealed class SignatureNames : ISignatureTypeProvider<ImmutableArray<TypeName>, GenericContext>,
            ICustomAttributeTypeProvider<ImmutableArray<TypeName>>
        {
            private static readonly Regex s_serializedTypeName = new(@"(?:^|\[)([^\[\],]+)", RegexOptions.CultureInvariant);

            public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

            public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
            {
                var type = reader.GetTypeDefinition(handle);
                while (type.IsNested)
                {
                    type = reader.GetTypeDefinition(type.GetDeclaringType());
                }

                return [new TypeName(reader.GetString(type.Namespace), reader.GetString(type.Name))];
            }

            public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
            {
                var type = reader.GetTypeReference(handle);
                while (type.ResolutionScope.Kind == HandleKind.TypeReference)
                {
                    type = reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
                }

                return [new TypeName(reader.GetString(type.Namespace), reader.GetString(type.Name))];
            }

            public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader reader, GenericContext genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
                reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

            public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;

            public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;

            public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;

            public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;

            public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;

            public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
                [.. genericType, .. typeArguments.SelectMany(a => a)];

            public ImmutableArray<TypeName> GetGenericMethodParameter(GenericContext genericContext, int index) => [];

            public ImmutableArray<TypeName> GetGenericTypeParameter(GenericContext genericContext, int index) => [];

            public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) =>
                [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];

            public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) =>
                [.. modifier, .. unmodifiedType];

            // Custom attribute arguments: typeof(X) arrives as a serialized name ("Ns.Type+Nested, Assembly, ...").
            public ImmutableArray<TypeName> GetSystemType() => [new TypeName("System", "Type")];

            public bool IsSystemType(ImmutableArray<TypeName> type) => type.Length == 1 && type[0] == new TypeName("System", "Type");

            public ImmutableArray<TypeName> GetTypeFromSerializedName(string name)
            {
                // Type names sit at the start and right after each '[' ("List`1[[Ns.T, Asm]]", "Ns.T[]"); the
                // assembly names after commas are skipped.
                var names = ImmutableArray.CreateBuilder<TypeName>();
                foreach (Match match in s_serializedTypeName.Matches(name))
                {
                    var full = match.Groups[1].Value.Trim();
                    var end = full.IndexOfAny(['+', '`']);
                    full = end < 0 ? full : full[..end];
                    var dot = full.LastIndexOf('.');
                    names.Add(dot < 0 ? new TypeName(string.Empty, full) : new TypeName(full[..dot], full[(dot + 1)..]));
                }

                return names.ToImmutable();
            }

            // Enum-typed attribute arguments: every enum we and the BCL pass to attributes is int-backed; anything else
            // makes DecodeValue throw, which the caller catches (the attribute's constructor is still recorded).
            public PrimitiveTypeCode GetUnderlyingEnumType(ImmutableArray<TypeName> type) => PrimitiveTypeCode.Int32;
        }
    }

    private readonly struct GenericContext;
}
