-- Both edges of every bracket of macro aca_age_band.
with

cases as (

    select * from (
        values
        (0, '0-17'), (17, '0-17'),
        (18, '18-25'), (25, '18-25'),
        (26, '26-34'), (34, '26-34'),
        (35, '35-44'), (44, '35-44'),
        (45, '45-54'), (54, '45-54'),
        (55, '55-64'), (64, '55-64'),
        (65, '65+'), (104, '65+')
    ) as brackets (age, expected_band)  -- noqa: AL05

)

select * from cases
where {{ aca_age_band('age') }} != expected_band
