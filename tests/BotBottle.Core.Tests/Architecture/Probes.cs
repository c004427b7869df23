// Probe types for NamespaceCycleTests: Probes.Subject reaches each namespace below through one kind of metadata
// reference (base type, field signature, local signature, call token, typeof argument of an attribute, ...), so a
// reader that misses a kind fails that test. Probes.Call points back at Probes: the one deliberate cycle.
#pragma warning disable CA1812, CA1822, CA1823, CA1852, CA2201, IDE0051, IDE0052, IDE0059, IDE0060, CS0169, CS0649
using BotBottle.Tests.Architecture.Probes.AttributeTypeArgument;

namespace BotBottle.Tests.Architecture.Probes.BaseType
{
    internal class Base;
}

namespace BotBottle.Tests.Architecture.Probes.Interface
{
    internal interface IMarker;
}

namespace BotBottle.Tests.Architecture.Probes.Field
{
    internal sealed class FieldType;
}

namespace BotBottle.Tests.Architecture.Probes.Property
{
    internal sealed class PropertyType;
}

namespace BotBottle.Tests.Architecture.Probes.Parameter
{
    internal sealed class ParameterType;
}

namespace BotBottle.Tests.Architecture.Probes.Return
{
    internal sealed class ReturnType;
}

namespace BotBottle.Tests.Architecture.Probes.Local
{
    internal struct LocalType
    {
        public int Value;
    }
}

namespace BotBottle.Tests.Architecture.Probes.Call
{
    internal static class Callee
    {
        public static int Answer() => Probes.Subject.Counter;
    }
}

namespace BotBottle.Tests.Architecture.Probes.TypeOf
{
    internal sealed class TypeOfTarget;
}

namespace BotBottle.Tests.Architecture.Probes.Attribute
{
    [AttributeUsage(AttributeTargets.All)]
    internal sealed class ProbeAttribute(Type? type = null) : System.Attribute
    {
        public Type? Type { get; } = type;
    }
}

namespace BotBottle.Tests.Architecture.Probes.AttributeTypeArgument
{
    internal sealed class Argument;
}

namespace BotBottle.Tests.Architecture.Probes.GenericArgument
{
    internal sealed class Element;
}

namespace BotBottle.Tests.Architecture.Probes.Constraint
{
    internal interface IConstraint;
}

namespace BotBottle.Tests.Architecture.Probes.Nested
{
    internal static class Used
    {
        public static int Value() => 1;
    }
}

namespace BotBottle.Tests.Architecture.Probes
{
    [Attribute.Probe(typeof(List<Argument>))]
    internal class Subject : BaseType.Base, Interface.IMarker
    {
        public static int Counter;

        private Field.FieldType? _field;

        public Property.PropertyType? Prop { get; set; }

        public void Take(Parameter.ParameterType value)
        {
        }

        public Return.ReturnType? Give() => null;

        public int UseLocal()
        {
            Local.LocalType local = default;
            local.Value = Environment.ProcessorCount;
            return local.Value;
        }

        public int UseCall() => Call.Callee.Answer();

        public Type UseTypeOf() => typeof(TypeOf.TypeOfTarget);

        public int UseGeneric() => new List<GenericArgument.Element>().Count;

        public void Constrained<T>()
            where T : Constraint.IConstraint
        {
        }

        private sealed class Inner
        {
            public int Run() => Nested.Used.Value();
        }
    }
}
