namespace Cake.Frosting;

/// <summary>A failure of the annotated task is logged and the build goes on.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ContinueOnErrorAttribute : Attribute
{
}
