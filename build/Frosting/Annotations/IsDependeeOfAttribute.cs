namespace Cake.Frosting;

/// <summary>The reverse of <see cref="IsDependentOnAttribute"/>: <see cref="Task"/> depends on the annotated task.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependeeOfAttribute(Type task) : Attribute
{
    public Type Task { get; } = task ?? throw new ArgumentNullException(nameof(task));
}
