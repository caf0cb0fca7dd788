-- Filtre pandoc des modèles de la Boîte à outils (hooks/modeles.py) : ce qu'il faut à une fiche imprimée.
--
-- * Les cases à cocher (« - [ ] ») deviennent des paragraphes qui commencent par ☐ : une seule marque
--   par ligne, sans puce devant la case.
-- * Un tableau occupe toute la largeur de la page, chaque colonne au moins aussi large que son mot le plus
--   long (sans largeurs, Word resserre les colonnes et coupe les mots).
-- * Une cellule vide du corps d'un tableau reçoit deux lignes blanches : de la place pour écrire à la main.
-- * Un trait d'union entre deux chiffres devient insécable (U+2011) : « R. 311-3-1-1 » ne se coupe pas
--   en fin de ligne.
-- * En DOCX, le titre du modèle (son premier titre) est affiché par pandoc à partir de la
--   métadonnée `title` (style « Title ») : le filtre retire le titre en double. En ODT, le gabarit
--   modele.opendocument n'affiche pas la métadonnée, et le titre reste un titre de niveau 1.

local NBSP = '\u{00A0}'
local NBHY = '\u{2011}'
local BOX = { ['☐'] = true, ['☒'] = true }

function Str(s)
  local text = s.text:gsub('(%d)%-%f[%d]', '%1' .. NBHY)
  if text ~= s.text then
    return pandoc.Str(text)
  end
end

local function is_task(item)
  local first = item[1]
  return first and (first.t == 'Plain' or first.t == 'Para') and first.content[1]
    and first.content[1].t == 'Str' and BOX[first.content[1].text]
end

function BulletList(list)
  for _, item in ipairs(list.content) do
    if not is_task(item) then
      return nil
    end
  end
  local blocks = {}
  for _, item in ipairs(list.content) do
    for i, block in ipairs(item) do
      if i == 1 and block.t == 'Plain' then
        block = pandoc.Para(block.content)
      end
      table.insert(blocks, block)
    end
  end
  return blocks
end

local function blank(cell)
  return pandoc.utils.stringify(cell.contents):match('^%s*$') ~= nil
end

local function longest_word(text)
  local longest = 0
  for word in text:gmatch('%S+') do
    longest = math.max(longest, utf8.len(word) or #word)
  end
  return longest
end

-- Largeurs relatives des colonnes : chaque colonne reçoit au moins la place de son mot le plus long
-- (aucun mot coupé), le reste de la ligne (environ 80 caractères sur une page A4 en portrait) se partage
-- selon la longueur moyenne des cellules ; une colonne vide, à remplir, en reçoit sa part.
local function widths(tbl, n)
  if n == 2 then
    return { 0.4, 0.6 }
  end
  local longest, total, rows = {}, {}, 0
  for i = 1, n do
    longest[i], total[i] = 4, 0
  end
  local function visit(row)
    rows = rows + 1
    for i, cell in ipairs(row.cells) do
      if i <= n then
        local text = pandoc.utils.stringify(cell.contents)
        longest[i] = math.max(longest[i], longest_word(text))
        total[i] = total[i] + (utf8.len(text) or #text)
      end
    end
  end
  for _, row in ipairs(tbl.head.rows) do visit(row) end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do visit(row) end
  end
  local base, weight, sum_base, sum_weight = {}, {}, 0, 0
  for i = 1, n do
    base[i] = longest[i] * 1.3 + 3
    weight[i] = total[i] / math.max(rows, 1) + 10
    sum_base, sum_weight = sum_base + base[i], sum_weight + weight[i]
  end
  local extra, result, sum = math.max(80 - sum_base, 0), {}, 0
  for i = 1, n do
    result[i] = base[i] + extra * weight[i] / sum_weight
    sum = sum + result[i]
  end
  for i = 1, n do
    result[i] = result[i] / sum
  end
  return result
end

function Table(tbl)
  local n = #tbl.colspecs
  if n > 1 then
    local w = widths(tbl, n)
    for i, spec in ipairs(tbl.colspecs) do
      tbl.colspecs[i] = { spec[1], w[i] }
    end
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for _, cell in ipairs(row.cells) do
        if blank(cell) then
          cell.contents = { pandoc.Plain({ pandoc.Str(NBSP), pandoc.LineBreak(), pandoc.Str(NBSP) }) }
        end
      end
    end
  end
  return tbl
end

function Pandoc(doc)
  if FORMAT ~= 'docx' then
    return nil
  end
  local title = pandoc.utils.stringify(doc.meta.title or '')
  for i, block in ipairs(doc.blocks) do
    if block.t == 'Header' and pandoc.utils.stringify(block) == title then
      doc.blocks:remove(i)
      break
    end
  end
  return doc
end
