namespace Workflows.Orchestrations.Datasets;

/// <summary>The names findings carry in <see cref="ValidationFinding.Rule"/>: stable, for tooling and dashboards.</summary>
public static class ValidationRuleNames
{
    public const string Encoding = "encoding";
    public const string Structure = "structure";
    public const string Header = "header";
    public const string FieldCount = "field-count";
    public const string RequiredColumns = "required-columns";
    public const string ExtraColumn = "extra-column";
    public const string ImageShape = "image-shape";
    public const string TypeMismatch = "type-mismatch";
    public const string NonFinite = "non-finite";
    public const string MinRows = "min-rows";
    public const string NullFraction = "null-fraction";
    public const string Range = "range";
    public const string DuplicateRows = "duplicate-rows";
    public const string LabelClasses = "label-classes";
    public const string MinRowsPerClass = "min-rows-per-class";
    public const string CategoryOverflow = "category-overflow";
    public const string Drift = "drift";
    public const string SchemaChange = "schema-change";
}
