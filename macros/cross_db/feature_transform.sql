{#- A member's feature value as the fitted segmentation sees it before scaling: clipped to the fitted bounds,
    then transformed (segment_centroids.feature_transform, transform_lambda, clip_lower, clip_upper; see
    python/src/member_segmentation/preprocessing.py, which this mirrors). -#}
{% macro feature_transform(value, transform, lambda, clip_lower, clip_upper) -%}
    {%- set clipped -%}
        case
            when {{ clip_lower }} is null then cast({{ value }} as {{ type_double() }})
            else least(greatest(cast({{ value }} as {{ type_double() }}), {{ clip_lower }}), {{ clip_upper }})
        end
    {%- endset -%}
    case {{ transform }}
        when 'yeo_johnson' then {{ yeo_johnson(clipped, lambda) }}
        when 'log1p' then {{ log1p(clipped) }}
        else {{ clipped }}
    end
{%- endmacro %}

{#- scikit-learn's Yeo-Johnson transform (scipy.stats.yeojohnson, which PowerTransformer calls), branch for
    branch: lambda within machine epsilon (np.spacing(1.0)) of 0 or 2 takes the log form, as there. -#}
{% macro yeo_johnson(x, lambda) -%}
    case
        when ({{ x }}) >= 0 then
            case
                when abs({{ lambda }}) < 2.220446049250313e-16 then {{ log1p(x) }}
                else {{ expm1(lambda ~ ' * ' ~ log1p(x)) }} / ({{ lambda }})
            end
        else
            case
                when abs({{ lambda }} - 2) > 2.220446049250313e-16
                    then -{{ expm1('(2 - ' ~ lambda ~ ') * ' ~ log1p('-(' ~ x ~ ')')) }} / (2 - {{ lambda }})
                else -{{ log1p('-(' ~ x ~ ')') }}
            end
    end
{%- endmacro %}

{#- log(1 + x) and exp(x) - 1, accurate near 0 as NumPy's log1p and expm1 are (a plain ln(1 + x) loses the
    digits of a small x, and Yeo-Johnson divides exp(.) - 1 by a lambda that may be tiny). Spark has both
    functions; elsewhere Goldberg's and Kahan's corrections give them to a few units in the last place. -#}
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

{% macro expm1(x) -%}
    {{ return(adapter.dispatch('expm1')(x)) }}
{%- endmacro %}

{% macro default__expm1(x) -%}
    (case
        when exp({{ x }}) = 1 then ({{ x }})
        when exp({{ x }}) - 1 = -1 then -1
        else (exp({{ x }}) - 1) * ({{ x }}) / ln(exp({{ x }}))
    end)
{%- endmacro %}

{% macro spark__expm1(x) -%}
    expm1({{ x }})
{%- endmacro %}
