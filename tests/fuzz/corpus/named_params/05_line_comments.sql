SELECT 1 -- :x
, :a # :b