namespace Cake.Frosting;

/// <summary>The task runs after <see cref="Task"/>, which always runs first.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task ?? throw new ArgumentNullException(nameof(task));
}
