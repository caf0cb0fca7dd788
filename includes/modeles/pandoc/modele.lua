-- Filtre pandoc des modèles de la Boîte à outils (hooks/modeles.py) : ce qu'il faut à une fiche imprimée.
--
-- * Les cases à cocher (« - [ ] ») deviennent des paragraphes qui commencent par ☐ : une seule marque
--   par ligne, sans puce devant la case.
-- * Un tableau occupe toute la largeur de la page : première colonne plus étroite, les autres se partagent
--   le reste (sans largeurs, Word resserre les colonnes et coupe les mots).
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

function Table(tbl)
  local n = #tbl.colspecs
  if n > 1 then
    local first = n == 2 and 0.4 or 0.28
    for i, spec in ipairs(tbl.colspecs) do
      tbl.colspecs[i] = { spec[1], i == 1 and first or (1 - first) / (n - 1) }
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
