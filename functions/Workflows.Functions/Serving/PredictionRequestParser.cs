using System.Buffers;
using System.Text;
using System.Text.Json;
using Workflows.Orchestrations.Datasets;

namespace Workflows.Functions.Serving;

/// <summary>
/// Reads a predict request straight from its UTF-8 bytes (<see cref="Utf8JsonReader"/>, no intermediate objects) and
/// encodes it as the model's input, checking it against the model's schema on the way:
/// <c>{"rows": [{"column": value, ...}, ...]}</c> by source column, encoded the way the export encoded the training data,
/// or <c>{"instances": [[x0, x1, ...], ...]}</c> already in the model's input order.
/// </summary>
/// <remarks>
/// A row must name every feature and nothing else; a missing value is sent as <c>null</c> and becomes what the export
/// made of an empty cell (the train mean; all zeros for a one-hot column). Numbers must be finite and fit float32.
/// Every refusal is a <see cref="PredictionInputException"/> naming the row and the field.
/// </remarks>
internal static class PredictionRequestParser
{
    private const int MaxNameLength = 256;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    public static PredictionInput Parse(ReadOnlySpan<byte> body, ModelSchema schema, int maxRows)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        return Parse(ref reader, schema, maxRows);
    }

    public static PredictionInput Parse(in ReadOnlySequence<byte> body, ModelSchema schema, int maxRows)
    {
        var reader = new Utf8JsonReader(body, ReaderOptions);
        return Parse(ref reader, schema, maxRows);
    }

    private static PredictionInput Parse(ref Utf8JsonReader reader, ModelSchema schema, int maxRows)
    {
        var at = new Cursor();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new PredictionInputException("The body must be a JSON object: {\"rows\": [{\"feature\": value, ...}, ...]} or {\"instances\": [[value, ...], ...]}.");
            }

            var output = new RowBuffer(schema.FeatureCount);
            var given = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var rows = reader.ValueTextEquals("rows"u8);
                if (!rows && !reader.ValueTextEquals("instances"u8))
                {
                    var name = reader.GetString();
                    throw new PredictionInputException($"Unknown property '{name}': the body holds \"rows\" (objects by feature name) or \"instances\" (arrays in the model's input order).", field: name);
                }

                if (given)
                {
                    throw new PredictionInputException("Send \"rows\" or \"instances\", not both.");
                }

                given = true;
                reader.Read();
                if (rows)
                {
                    ParseRows(ref reader, schema, maxRows, output, ref at);
                }
                else
                {
                    ParseInstances(ref reader, schema, maxRows, output, ref at);
                }

                at = new Cursor();
            }

            if (!given)
            {
                throw new PredictionInputException("The body has neither \"rows\" (objects by feature name) nor \"instances\" (arrays in the model's input order).");
            }

            // Anything after the object (other than white space) makes the reader throw.
            while (reader.Read())
            {
            }

            return output.ToInput();
        }
        catch (JsonException e)
        {
            throw new PredictionInputException(
                $"{at.Describe(schema)}the body is not valid JSON ({e.Message.TrimEnd('.')}). Numbers must be finite JSON numbers: NaN and Infinity are not JSON.",
                at.Row, at.FieldName(schema));
        }
    }

    private static void ParseRows(ref Utf8JsonReader reader, ModelSchema schema, int maxRows, RowBuffer output, ref Cursor at)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new PredictionInputException($"\"rows\" must be an array of objects (feature values by column name), not {Describe(reader.TokenType)}.", field: "rows");
        }

        var features = schema.Features;
        Span<bool> seen = features.Length <= 512 ? stackalloc bool[features.Length] : new bool[features.Length];
        Span<char> name = stackalloc char[MaxNameLength];
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            at = new Cursor { Row = row };
            CheckRowCount(row, maxRows);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new PredictionInputException($"Row {row}: expected an object of feature values by column name, not {Describe(reader.TokenType)}.", row);
            }

            var x = output.NextRow();
            schema.Fill.CopyTo(x);
            seen.Clear();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var f = FindColumn(ref reader, schema, name);
                if (f < 0)
                {
                    var unknown = reader.GetString();
                    throw new PredictionInputException($"Row {row}: '{unknown}' is not a feature of this model; its features are {schema.DescribeColumns()}.", row, unknown);
                }

                if (seen[f])
                {
                    throw new PredictionInputException($"Row {row}: feature '{features[f].Column}' is given twice.", row, features[f].Column);
                }

                seen[f] = true;
                at.Feature = f;
                reader.Read();
                Encode(ref reader, features[f], x, row, name);
                at.Feature = -1;
            }

            var missing = seen.IndexOf(false);
            if (missing >= 0)
            {
                var others = seen[(missing + 1)..].Count(false);
                throw new PredictionInputException(
                    $"Row {row}: feature '{features[missing].Column}' is missing{(others > 0 ? $" (and {others} more)" : "")}; every feature must be given (null for a missing value).",
                    row, features[missing].Column);
            }

            row++;
        }

        if (row == 0)
        {
            throw new PredictionInputException("\"rows\" is empty: send at least one row.", field: "rows");
        }
    }

    private static void ParseInstances(ref Utf8JsonReader reader, ModelSchema schema, int maxRows, RowBuffer output, ref Cursor at)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new PredictionInputException($"\"instances\" must be an array of arrays ({schema.FeatureCount} numbers each, in the model's input order), not {Describe(reader.TokenType)}.", field: "instances");
        }

        var width = schema.FeatureCount;
        var row = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            at = new Cursor { Row = row, Instance = true };
            CheckRowCount(row, maxRows);
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new PredictionInputException($"Instance {row}: expected an array of {width} numbers in the model's input order, not {Describe(reader.TokenType)}.", row);
            }

            var x = output.NextRow();
            var i = 0;
            at.Feature = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (i < width)
                {
                    at.Feature = i;
                    x[i] = reader.TokenType switch
                    {
                        JsonTokenType.Number => ReadFloat(ref reader, at, schema),
                        JsonTokenType.Null => schema.Fill[i],
                        _ => throw WrongType(ref reader, at, schema, "a number (or null for a missing value)"),
                    };
                }
                else
                {
                    reader.Skip();
                }

                i++;
                at.Feature = i < width ? i : -1;
            }

            if (i != width)
            {
                throw new PredictionInputException(
                    $"Instance {row} has {i} values; the model takes {width}, in this order: {string.Join(", ", schema.FeatureNames.Take(12).Select(n => $"'{n}'"))}{(width > 12 ? $" and {width - 12} more" : "")}.",
                    row);
            }

            row++;
        }

        if (row == 0)
        {
            throw new PredictionInputException("\"instances\" is empty: send at least one instance.", field: "instances");
        }
    }

    private static void Encode(ref Utf8JsonReader reader, SchemaFeature feature, Span<float> x, int row, scoped Span<char> text)
    {
        switch (feature.Encoding)
        {
            case FeatureEncoding.Boolean:
                switch (reader.TokenType)
                {
                    case JsonTokenType.True:
                        x[feature.Offset] = 1;
                        break;
                    case JsonTokenType.False:
                        x[feature.Offset] = 0;
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        throw WrongType(ref reader, row, feature, "true or false (or null for a missing value)");
                }

                break;
            case FeatureEncoding.OneHot or FeatureEncoding.Ordinal:
                if (reader.TokenType == JsonTokenType.Null)
                {
                    break;
                }

                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.Number))
                {
                    throw WrongType(ref reader, row, feature, $"one of its categories as a string ({feature.DescribeCategories()}), or null for a missing value");
                }

                var category = FindCategory(ref reader, feature, text);
                if (category < 0)
                {
                    var given = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
                    throw new PredictionInputException($"Row {row}: '{given}' is not a category of feature '{feature.Column}'; its categories are {feature.DescribeCategories()}.", row, feature.Column);
                }

                if (feature.Encoding == FeatureEncoding.OneHot)
                {
                    x[feature.Offset + category] = 1;
                }
                else
                {
                    x[feature.Offset] = category;
                }

                break;
            default:
                if (reader.TokenType == JsonTokenType.Number)
                {
                    x[feature.Offset] = ReadFloat(ref reader, row, feature.Column);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw WrongType(ref reader, row, feature, "a number (or null for a missing value)");
                }

                break;
        }
    }

    private static int FindColumn(ref Utf8JsonReader reader, ModelSchema schema, scoped Span<char> buffer)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= buffer.Length)
        {
            // UTF-16 never needs more code units than UTF-8 has bytes, and unescaping only shortens.
            var written = reader.CopyString(buffer);
            return schema.Columns.TryGetValue(buffer[..written], out var index) ? index : -1;
        }

        return schema.Columns.TryGetValue(reader.GetString(), out var found) ? found : -1;
    }

    private static int FindCategory(ref Utf8JsonReader reader, SchemaFeature feature, scoped Span<char> buffer)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length > buffer.Length)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSequence.ToArray());
            return feature.CategoryLookup.TryGetValue(text, out var found) ? found : -1;
        }

        // A number names a category by its text, so a numeric category column takes 3 as well as "3".
        var written = reader.TokenType == JsonTokenType.String
            ? reader.CopyString(buffer)
            : Encoding.UTF8.GetChars(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, buffer);
        return feature.CategoryLookup.TryGetValue(buffer[..written], out var index) ? index : -1;
    }

    private static float ReadFloat(ref Utf8JsonReader reader, Cursor at, ModelSchema schema) => ReadFloat(ref reader, at.Row, at.FieldName(schema)!, at.Describe(schema));

    private static float ReadFloat(ref Utf8JsonReader reader, int row, string field, string? where = null)
    {
        if (reader.TryGetDouble(out var value) && double.IsFinite(value) && float.IsFinite((float)value))
        {
            return (float)value;
        }

        var raw = Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        throw new PredictionInputException($"{where ?? $"Row {row}, feature '{field}': "}{raw} is outside the range of float32.", row, field);
    }

    private static PredictionInputException WrongType(ref Utf8JsonReader reader, int row, SchemaFeature feature, string expected) =>
        WrongType(ref reader, $"Row {row}, feature '{feature.Column}': ", row, feature.Column, expected);

    private static PredictionInputException WrongType(ref Utf8JsonReader reader, Cursor at, ModelSchema schema, string expected) =>
        WrongType(ref reader, at.Describe(schema), at.Row, at.FieldName(schema), expected);

    private static PredictionInputException WrongType(ref Utf8JsonReader reader, string where, int row, string? field, string expected)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString()!;
            if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) && !double.IsFinite(number))
            {
                return new PredictionInputException($"{where}\"{text}\" is not allowed: values must be finite numbers (send null for a missing value).", row, field);
            }

            return new PredictionInputException($"{where}expected {expected}, got the string \"{text}\".", row, field);
        }

        return new PredictionInputException($"{where}expected {expected}, got {Describe(reader.TokenType)}.", row, field);
    }

    private static void CheckRowCount(int row, int maxRows)
    {
        if (row >= maxRows)
        {
            throw new PredictionInputException($"The request has more than {maxRows} rows; send at most {maxRows} per request.", maxRows);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    /// <summary>Where the parser is, for messages about malformed JSON.</summary>
    private struct Cursor()
    {
        public int Row { get; set; } = -1;

        /// <summary>The feature (rows) or input column (instances) being read; -1 between values.</summary>
        public int Feature { get; set; } = -1;

        public bool Instance { get; set; }

        public readonly string? FieldName(ModelSchema schema) =>
            Feature < 0 ? null : Instance ? schema.FeatureNames[Feature] : schema.Features[Feature].Column;

        public readonly string Describe(ModelSchema schema) =>
            Row < 0 ? "" : Feature < 0 ? $"{(Instance ? "Instance" : "Row")} {Row}: "
            : Instance ? $"Instance {Row}, position {Feature} ('{schema.FeatureNames[Feature]}'): " : $"Row {Row}, feature '{schema.Features[Feature].Column}': ";
    }

    /// <summary>Rows written one after another into a growing array, handed over at its exact length.</summary>
    private sealed class RowBuffer(int width)
    {
        private float[] _data = new float[Math.Max(width, 1)];
        private int _rows;

        public Span<float> NextRow()
        {
            if ((_rows + 1) * width > _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }

            return _data.AsSpan(_rows++ * width, width);
        }

        public PredictionInput ToInput() => new(_data.Length == _rows * width ? _data : _data[..(_rows * width)], _rows);
    }
}
