namespace Cake.Frosting;

/// <summary>The reverse of <see cref="IsDependentOnAttribute"/>: <see cref="Task"/> depends on the annotated task.</summary>
/// <param name="type">The task that depends on the annotated one; it must be a task class.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependeeOfAttribute(Type type) : Attribute
{
    /// <summary>The task that depends on the annotated one.</summary>
    public Type Task { get; } = type;
}
