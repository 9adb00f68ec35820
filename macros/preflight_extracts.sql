{#- Preflight, run by on-run-start (dbt_project.yml) before any model builds: every extract of the
    plan_extracts contract (models/staging/plan_extracts/_plan_extracts__sources.yml) must exist and hold every contract column,
    and in Parquet each column's stored type must be readable as its data_type. Text is readable as anything
    at this stage: a value that does not parse is quarantined row by row later. Any problem stops the build
    with one message naming the file, the column and the expected type. On Spark each extract file is first
    registered as a table of schema plan_extracts, which is what source() reads there. -#}

{% macro preflight_extracts() %}
    {% if execute %}
        {% set problems = [] %}
        {% set encoding = var('raw_csv_encoding') | string %}
        {% if encoding | lower not in ('utf-8', 'utf-16', 'latin-1') %}
            {{ exceptions.raise_compiler_error(
                "var raw_csv_encoding is '" ~ encoding ~ "'; expected utf-8, utf-16 or latin-1."
            ) }}
        {% endif %}
        {% for extract in graph.sources.values() | selectattr('source_name', 'equalto', 'plan_extracts') | sort(attribute='name') %}
            {% do problems.extend(extract_problems(extract)) %}
        {% endfor %}
        {% if problems | length == 1 %}
            {{ exceptions.raise_compiler_error(problems[0]) }}
        {% elif problems %}
            {{ exceptions.raise_compiler_error(
                problems | length ~ " problems with the extracts:\n- " ~ problems | join("\n- ")
            ) }}
        {% endif %}
    {% endif %}
{% endmacro %}

{% macro extract_problems(extract) %}
    {#- One message per problem of one extract file: missing file, missing column, unreadable type. -#}
    {% set folder = extract.meta.extract_dir %}
    {% set file_format = extract.meta.extract_format %}
    {% set path = folder ~ '/' ~ extract.name ~ '.' ~ file_format %}
    {% set missing = adapter.dispatch('missing_extract_problem')(extract, folder, path) %}
    {% if missing %}
        {{ return([missing]) }}
    {% endif %}
    {% do adapter.dispatch('register_extract')(extract, path) %}
    {% if file_format == 'csv' %}
        {% set unreadable = adapter.dispatch('unreadable_csv_lines_problem')(extract, path) %}
        {% if unreadable %}
            {{ return([unreadable]) }}
        {% endif %}
    {% endif %}

    {% set found_types = adapter.dispatch('extract_column_types')(extract) %}
    {% set found_names = found_types.keys() | list %}
    {% set problems = [] %}
    {% for column in extract.columns.values() %}
        {% if column.name not in found_types %}
            {% do problems.append(
                "Extract " ~ path ~ ": column " ~ column.name ~ " is missing (expected " ~ column.data_type ~ ")."
                ~ closest_column_hint(column.name, found_names)
                ~ " Found columns: " ~ found_names | join(', ') ~ "."
            ) %}
        {% elif file_format == 'parquet'
            and found_types[column.name].split('(')[0] | upper not in readable_stored_types(column.data_type) %}
            {% do problems.append(
                "Extract " ~ path ~ ": column " ~ column.name ~ " is stored as " ~ found_types[column.name]
                ~ ", which cannot be read as " ~ column.data_type ~ " (expected " ~ column.data_type
                ~ "; readable from " ~ readable_stored_types(column.data_type) | join(', ') ~ ")."
            ) %}
        {% endif %}
    {% endfor %}
    {{ return(problems) }}
{% endmacro %}

{% macro closest_column_hint(column_name, found_names) %}
    {#- " Did you mean <name>?" when a found column is within a few edits of the expected name. -#}
    {% set candidates = [] %}
    {% for name in found_names %}
        {% do candidates.append("select " ~ dbt.string_literal(name) ~ " as name") %}
    {% endfor %}
    {% set distance = "levenshtein(lower(name), " ~ dbt.string_literal(column_name) ~ ")" %}
    {% set closest = run_query(
        "select name from (" ~ candidates | join(' union all ') ~ ") as found_columns"
        ~ " where " ~ distance ~ " <= 3 order by " ~ distance ~ ", name limit 1"
    ).columns[0].values() %}
    {{ return(" Did you mean " ~ closest[0] ~ "?" if closest else "") }}
{% endmacro %}

{% macro readable_stored_types(data_type) %}
    {#- The stored column types (the engine's names, upper case, without precision) that can be cast to a
        contract data_type. -#}
    {% set names = adapter.dispatch('stored_type_names')() %}
    {% set numbers = names['integers'] + names['fractions'] %}
    {% set readable_from = {
        'string': names['texts'] + names['integers'],
        'date': names['texts'] + names['moments'],
        'timestamp': names['texts'] + names['moments'],
        'numeric': names['texts'] + numbers,
        'integer': names['texts'] + numbers,
        'boolean': names['texts'] + names['booleans'],
    } %}
    {{ return(readable_from[data_type]) }}
{% endmacro %}

{% macro duckdb__stored_type_names() %}
    {#- DuckDB's names of the Parquet column types, by kind. -#}
    {{ return({
        'texts': ['VARCHAR'],
        'integers': ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT',
                     'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT'],
        'fractions': ['DECIMAL', 'FLOAT', 'DOUBLE'],
        'moments': ['DATE', 'TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS', 'TIMESTAMP WITH TIME ZONE'],
        'booleans': ['BOOLEAN'],
    }) }}
{% endmacro %}

{% macro spark__stored_type_names() %}
    {#- Spark's names of the Parquet column types, by kind (describe table, upper-cased). -#}
    {{ return({
        'texts': ['STRING'],
        'integers': ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'],
        'fractions': ['DECIMAL', 'FLOAT', 'DOUBLE'],
        'moments': ['DATE', 'TIMESTAMP', 'TIMESTAMP_NTZ'],
        'booleans': ['BOOLEAN'],
    }) }}
{% endmacro %}

{% macro duckdb__missing_extract_problem(extract, folder, path) %}
    {#- The message for a missing extract file, naming the files that are in its folder; none when present. -#}
    {% if run_query("select count(*) from glob(" ~ dbt.string_literal(path) ~ ")").columns[0].values()[0] > 0 %}
        {{ return(none) }}
    {% endif %}
    {% set present = run_query(
        "select coalesce(string_agg(parse_filename(file), ', ' order by file), 'none')"
        ~ " from glob(" ~ dbt.string_literal(folder ~ '/*') ~ ")"
    ).columns[0].values()[0] %}
    {{ return("Extract " ~ path ~ " is missing (files in " ~ folder ~ ": " ~ present ~ ").") }}
{% endmacro %}

{% macro default__missing_extract_problem(extract, folder, path) %}
    {#- Engines that cannot list files (Spark SQL) report no missing file here: reading a missing extract
        stops the build with the engine's own error naming the path (on Spark, PATH_NOT_FOUND from
        register_extract). -#}
    {{ return(none) }}
{% endmacro %}

{% macro default__register_extract(extract, path) %}
    {#- DuckDB reads the file where it is (the source's external_location): nothing to register. -#}
{% endmacro %}

{% macro spark__register_extract(extract, path) %}
    {#- Registers the extract file as table plan_extracts.<name>, which is what source() reads on Spark:
        Parquet, or CSV read as text with its header row. The path goes in the options: a table's location
        must be a folder. -#}
    {% set csv_header = (
        ", header 'true', encoding " ~ dbt.string_literal(spark_csv_encoding(var('raw_csv_encoding')))
        if extract.meta.extract_format == 'csv' else ""
    ) %}
    {#- Reading the file first makes a missing one fail with PATH_NOT_FOUND naming its path; create table would
        fail with UNABLE_TO_INFER_SCHEMA, which does not. -#}
    {% do run_query("select * from " ~ extract.meta.extract_format ~ "." ~ spark_quoted_identifier(path) ~ " limit 0") %}
    {% do run_query("create schema if not exists " ~ extract.schema) %}
    {% do run_query("drop table if exists " ~ extract.relation_name) %}
    {% do run_query(
        "create table " ~ extract.relation_name ~ " using " ~ extract.meta.extract_format
        ~ " options (path " ~ dbt.string_literal(path) ~ csv_header ~ ")"
    ) %}
{% endmacro %}

{% macro duckdb__extract_column_types(extract) %}
    {#- {lower-case column name: stored type} of the extract as the engine reads it. -#}
    {% set found_types = {} %}
    {% for row in run_query("describe select * from " ~ extract.relation_name).rows %}
        {% do found_types.update({row['column_name'] | lower: row['column_type']}) %}
    {% endfor %}
    {{ return(found_types) }}
{% endmacro %}

{% macro spark__extract_column_types(extract) %}
    {#- {lower-case column name: stored type} of the registered extract table. -#}
    {% set found_types = {} %}
    {% for row in run_query("describe table " ~ extract.relation_name).rows
        if row['col_name'] and not row['col_name'].startswith('#') %}
        {% do found_types.update({row['col_name'] | lower: row['data_type']}) %}
    {% endfor %}
    {{ return(found_types) }}
{% endmacro %}

{% macro duckdb__unreadable_csv_lines_problem(extract, path) %}
    {#- The message for a CSV extract with lines DuckDB cannot read (fields more or fewer than the header's, text
        not in var raw_csv_encoding, a quote not closed): the first three by line number, and how many there are;
        none when every line reads. The file is read once in full, with the source's own options, keeping the
        errors aside (store_rejects) instead of stopping on the first: DuckDB's own error quotes the line, which
        holds a member's values, into the console and dbt's logs. These messages carry line numbers, column names
        and counts only. -#}
    {% set errors_table = 'preflight_csv_errors_' ~ extract.name %}
    {% set scans_table = 'preflight_csv_scans_' ~ extract.name %}
    {#- max(columns(*)) decodes every value of every line; count(*) alone would decode none. -#}
    {% do run_query(
        "select count(*), max(columns(*)) from read_csv(" ~ dbt.string_literal(path)
        ~ extract.meta.extract_reader_options ~ ", store_rejects = true, rejects_table = "
        ~ dbt.string_literal(errors_table) ~ ", rejects_scan = " ~ dbt.string_literal(scans_table) ~ ")"
    ) %}
    {% set lines = run_query(
        "select line, error_type, min(column_name) as column_name,"
        ~ " min(try_cast(regexp_extract(error_message, 'Found: (\\d+)', 1) as integer)) as fewest_fields,"
        ~ " max(try_cast(regexp_extract(error_message, 'Found: (\\d+)', 1) as integer)) as most_fields,"
        ~ " max(try_cast(regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) as integer))"
        ~ " as header_fields, count(*) over () as unreadable_lines"
        ~ " from " ~ errors_table ~ " group by line, error_type order by line, error_type limit 3"
    ).rows %}
    {% do run_query("drop table " ~ errors_table ~ "; drop table " ~ scans_table) %}
    {% if not lines %}
        {{ return(none) }}
    {% endif %}
    {% set described = [] %}
    {% for line in lines %}
        {% do described.append("line " ~ line['line'] ~ " " ~ csv_line_problem(line)) %}
    {% endfor %}
    {% set count = lines[0]['unreadable_lines'] %}
    {% set what_to_do = (
        "Set var raw_csv_encoding to the file's encoding (utf-8, utf-16 or latin-1), or export it as UTF-8."
        if lines | selectattr('error_type', 'equalto', 'INVALID ENCODING') | list
        else "Correct the file and run the build again."
    ) %}
    {{ return(
        "Extract " ~ path ~ ": " ~ count ~ (" line cannot" if count == 1 else " lines cannot") ~ " be read as CSV: "
        ~ ("the first 3: " if count > 3 else "") ~ described | join("; ") ~ ". " ~ what_to_do
    ) }}
{% endmacro %}

{% macro csv_line_problem(line) %}
    {#- What is wrong with one line DuckDB's CSV reader rejected, in words, without its values. -#}
    {% set error_type = line['error_type'] %}
    {#- DuckDB reports a short line once per missing field, a long one once per extra field. -#}
    {% if error_type == 'MISSING COLUMNS' %}
        {{ return("has " ~ line['fewest_fields'] ~ " fields where the header has " ~ line['header_fields']) }}
    {% elif error_type == 'TOO MANY COLUMNS' %}
        {{ return("has " ~ line['most_fields'] ~ " fields where the header has " ~ line['header_fields']) }}
    {% elif error_type == 'INVALID ENCODING' %}
        {{ return("is not " ~ var('raw_csv_encoding') ~ " text (column " ~ line['column_name'] ~ ")") }}
    {% elif error_type == 'UNQUOTED VALUE' %}
        {{ return("has a quote that is not closed (column " ~ line['column_name'] ~ ")") }}
    {% endif %}
    {{ return("cannot be read (" ~ error_type | lower ~ ")") }}
{% endmacro %}

{% macro default__unreadable_csv_lines_problem(extract, path) %}
    {#- Spark reads a malformed CSV line permissively (nulls for the fields it cannot read): none reported here. -#}
    {{ return(none) }}
{% endmacro %}

{% macro spark_csv_encoding(raw_csv_encoding) %}
    {#- Java's name of a raw_csv_encoding, for Spark's CSV reader. -#}
    {{ return({'utf-8': 'UTF-8', 'utf-16': 'UTF-16', 'latin-1': 'ISO-8859-1'}.get(raw_csv_encoding | lower, raw_csv_encoding)) }}
{% endmacro %}
