{#- A member's feature value as the fitted segmentation sees it before scaling: clipped to the fitted bounds,
    then transformed (segment_centroids.feature_transform, transform_lambda, clip_lower, clip_upper; see
    python/src/member_segmentation/preprocessing.py, which this mirrors). One expression, for small tables
    (segment_drift, tests); member_segments computes the same parts as columns, each once per member. -#}
{% macro feature_transform(value, transform, lambda, clip_lower, clip_upper) -%}
    {%- set x = clipped_feature(value, clip_lower, clip_upper) -%}
    case {{ transform }}
        when 'yeo_johnson' then {{ yeo_johnson(x, lambda) }}
        when 'log1p' then {{ log1p(x) }}
        else {{ x }}
    end
{%- endmacro %}

{#- The same from Yeo-Johnson's parts computed beforehand as columns (x already clipped; see yeo_johnson_from_parts):
    what member_segments and segment_drift use, so each part is computed once per row. -#}
{% macro feature_transform_from_parts(x, transform, lambda, log1p_abs, exponent, exp_of_exponent) -%}
    case {{ transform }}
        when 'yeo_johnson' then {{ yeo_johnson_from_parts(x, lambda, log1p_abs, exponent, exp_of_exponent) }}
        when 'log1p' then {{ log1p(x) }}
        else {{ x }}
    end
{%- endmacro %}

{#- The value within [clip_lower, clip_upper]; unchanged when the feature has no clip bounds (null). -#}
{% macro clipped_feature(value, clip_lower, clip_upper) -%}
    (case
        when {{ clip_lower }} is null then cast({{ value }} as {{ type_double() }})
        else least(greatest(cast({{ value }} as {{ type_double() }}), {{ clip_lower }}), {{ clip_upper }})
    end)
{%- endmacro %}

{#- scikit-learn's Yeo-Johnson transform (scipy.stats.yeojohnson, which PowerTransformer calls): for x >= 0,
    expm1(lambda * log1p(x)) / lambda, or log1p(x) when |lambda| < machine epsilon (np.spacing(1.0)); for x < 0,
    -expm1((2 - lambda) * log1p(-x)) / (2 - lambda), or -log1p(-x) when |lambda - 2| <= epsilon. -#}
{% macro yeo_johnson(x, lambda) -%}
    {%- set log1p_abs = log1p('abs(' ~ x ~ ')') -%}
    {%- set exponent = yeo_johnson_exponent(x, lambda, log1p_abs) -%}
    {{ yeo_johnson_from_parts(x, lambda, log1p_abs, exponent, 'exp(' ~ exponent ~ ')') }}
{%- endmacro %}

{#- The power's exponent: lambda * log1p(x) for x >= 0, (2 - lambda) * log1p(-x) below (log1p_abs is log1p(|x|)). -#}
{% macro yeo_johnson_exponent(x, lambda, log1p_abs) -%}
    (case when {{ x }} >= 0 then {{ lambda }} * {{ log1p_abs }} else (2 - {{ lambda }}) * {{ log1p_abs }} end)
{%- endmacro %}

{#- Yeo-Johnson from its parts: log1p_abs = log1p(|x|), exponent (yeo_johnson_exponent) and exp_of_exponent. -#}
{% macro yeo_johnson_from_parts(x, lambda, log1p_abs, exponent, exp_of_exponent) -%}
    (case
        when {{ x }} >= 0 then
            case
                when abs({{ lambda }}) < 2.220446049250313e-16 then {{ log1p_abs }}
                else {{ expm1_from_exp(exponent, exp_of_exponent) }} / {{ lambda }}
            end
        when abs({{ lambda }} - 2) > 2.220446049250313e-16
            then -{{ expm1_from_exp(exponent, exp_of_exponent) }} / (2 - {{ lambda }})
        else -{{ log1p_abs }}
    end)
{%- endmacro %}

{#- log(1 + x) and exp(t) - 1, accurate near 0 as NumPy's log1p and expm1 are (a plain ln(1 + x) loses the
    digits of a small x, and Yeo-Johnson divides exp(t) - 1 by a lambda that may be tiny). Spark has both
    functions; elsewhere Goldberg's and Kahan's corrections give them to a few units in the last place
    (exp_of_exponent is exp(t), passed in so that it is computed once). -#}
{% macro log1p(x) -%}
    {{ return(adapter.dispatch('log1p')(x)) }}
{%- endmacro %}

{% macro default__log1p(x) -%}
    (case
        when 1 + ({{ x }}) = 1 then ({{ x }})
        else ({{ x }}) * ln(1 + ({{ x }})) / ((1 + ({{ x }})) - 1)
    end)
{%- endmacro %}

{% macro spark__log1p(x) -%}
    log1p({{ x }})
{%- endmacro %}

{% macro expm1_from_exp(exponent, exp_of_exponent) -%}
    {{ return(adapter.dispatch('expm1_from_exp')(exponent, exp_of_exponent)) }}
{%- endmacro %}

{% macro default__expm1_from_exp(exponent, exp_of_exponent) -%}
    (case
        when abs({{ exponent }}) > 0.5 then {{ exp_of_exponent }} - 1
        when {{ exp_of_exponent }} = 1 then {{ exponent }}
        else ({{ exp_of_exponent }} - 1) * {{ exponent }} / ln({{ exp_of_exponent }})
    end)
{%- endmacro %}

{% macro spark__expm1_from_exp(exponent, exp_of_exponent) -%}
    expm1({{ exponent }})
{%- endmacro %}
