package sql

import "strings"

func (p *printer) stmt(s Stmt) {
	switch s := s.(type) {
	case *QueryStmt:
		p.query(s.Query)
	case *Insert:
		p.insert(s)
	case *CreateTable:
		p.createTable(s)
	case *DropTable:
		p.WriteString("DROP ")
		p.temp(s.Temporary, false)
		p.WriteString("TABLE ")
		p.ifExists(s.IfExists)
		p.name(s.Name.Parts)
	case *CreateView:
		p.WriteString("CREATE ")
		p.temp(s.Temporary, false)
		p.WriteString("VIEW ")
		p.ifNotExists(s.IfNotExists)
		p.name(s.Name.Parts)
		if len(s.Columns) > 0 {
			p.WriteByte(' ')
			p.identList(s.Columns)
		}
		if s.Comment != nil {
			p.WriteString(" COMMENT ")
			p.str(s.Comment.Value)
		}
		p.WriteString(" AS ")
		p.query(s.Query)
	case *DropView:
		p.WriteString("DROP ")
		p.temp(s.Temporary, false)
		p.WriteString("VIEW ")
		p.ifExists(s.IfExists)
		p.name(s.Name.Parts)
	case *CreateFunction:
		p.WriteString("CREATE ")
		p.temp(s.Temporary, s.System)
		p.WriteString("FUNCTION ")
		p.ifNotExists(s.IfNotExists)
		p.name(s.Name.Parts)
		p.WriteString(" AS ")
		p.str(s.ClassName.Value)
		if s.Language != "" {
			p.WriteString(" LANGUAGE " + s.Language)
		}
	case *DropFunction:
		p.WriteString("DROP ")
		p.temp(s.Temporary, s.System)
		p.WriteString("FUNCTION ")
		p.ifExists(s.IfExists)
		p.name(s.Name.Parts)
	case *CreateCatalog:
		p.WriteString("CREATE CATALOG ")
		p.ident(s.Name.Name)
		p.WriteString(" WITH ")
		p.options(s.Options)
	case *DropCatalog:
		p.WriteString("DROP CATALOG ")
		p.ifExists(s.IfExists)
		p.ident(s.Name.Name)
	case *CreateDatabase:
		p.WriteString("CREATE DATABASE ")
		p.ifNotExists(s.IfNotExists)
		p.name(s.Name.Parts)
		if s.Comment != nil {
			p.WriteString(" COMMENT ")
			p.str(s.Comment.Value)
		}
		if len(s.Options) > 0 {
			p.WriteString(" WITH ")
			p.options(s.Options)
		}
	case *DropDatabase:
		p.WriteString("DROP DATABASE ")
		p.ifExists(s.IfExists)
		p.name(s.Name.Parts)
		if s.Cascade {
			p.WriteString(" CASCADE")
		}
	case *Show:
		p.show(s)
	case *UseCatalog:
		p.WriteString("USE CATALOG ")
		p.ident(s.Name.Name)
	case *UseDatabase:
		p.WriteString("USE ")
		p.name(s.Name.Parts)
	case *Describe:
		p.WriteString("DESCRIBE ")
		if s.Extended {
			p.WriteString("EXTENDED ")
		}
		p.name(s.Name.Parts)
	case *Explain:
		p.WriteString("EXPLAIN ")
		if s.PlanFor {
			p.WriteString("PLAN FOR ")
		} else if len(s.Details) > 0 {
			p.WriteString(strings.Join(s.Details, ", ") + " ")
		}
		p.inExplain = true
		p.stmt(s.Stmt)
		p.inExplain = false
	case *Set:
		p.WriteString("SET")
		if s.Key != "" {
			p.WriteByte(' ')
			p.str(s.Key)
			p.WriteString(" = ")
			p.str(s.Value)
		}
	case *Reset:
		p.WriteString("RESET")
		if s.Key != "" {
			p.WriteByte(' ')
			p.str(s.Key)
		}
	case *StatementSet:
		p.statementSet(s)
	case *Execute:
		p.WriteString("EXECUTE ")
		p.stmt(s.Stmt)
	case *StopJob:
		p.stopJob(s)
	default:
		p.WriteString("<?>")
	}
}

func (p *printer) temp(temp, system bool) {
	if temp {
		p.WriteString("TEMPORARY ")
		if system {
			p.WriteString("SYSTEM ")
		}
	}
}

func (p *printer) ifExists(b bool) {
	if b {
		p.WriteString("IF EXISTS ")
	}
}

func (p *printer) ifNotExists(b bool) {
	if b {
		p.WriteString("IF NOT EXISTS ")
	}
}

func (p *printer) insert(s *Insert) {
	if s.Overwrite {
		p.WriteString("INSERT OVERWRITE ")
	} else {
		p.WriteString("INSERT INTO ")
	}
	p.name(s.Table.Parts)
	if len(s.Hints) > 0 {
		p.WriteByte(' ')
		p.hints(s.Hints)
	}
	if len(s.Partition) > 0 {
		p.WriteString(" PARTITION (")
		for i, pv := range s.Partition {
			if i > 0 {
				p.WriteString(", ")
			}
			p.ident(pv.Name.Name)
			p.WriteString(" = ")
			p.expr(pv.Value, precAdd)
		}
		p.WriteByte(')')
	}
	if len(s.Columns) > 0 {
		p.WriteByte(' ')
		p.identList(s.Columns)
	}
	p.WriteByte(' ')
	p.query(s.Source)
}

func (p *printer) statementSet(s *StatementSet) {
	switch {
	case p.inExplain:
		p.WriteString("STATEMENT SET BEGIN\n")
	case s.Execute:
		p.WriteString("EXECUTE STATEMENT SET BEGIN\n")
	default:
		p.WriteString("BEGIN STATEMENT SET;\n")
	}
	for _, ins := range s.Inserts {
		p.insert(ins)
		p.WriteString(";\n")
	}
	p.WriteString("END")
}

func (p *printer) createTable(s *CreateTable) {
	p.WriteString("CREATE ")
	p.temp(s.Temporary, false)
	p.WriteString("TABLE ")
	p.ifNotExists(s.IfNotExists)
	p.name(s.Name.Parts)
	var elems []func()
	for _, c := range s.Columns {
		elems = append(elems, func() { p.column(c) })
	}
	if s.Watermark != nil {
		elems = append(elems, func() { p.watermark(s.Watermark) })
	}
	if s.PrimaryKey != nil {
		elems = append(elems, func() { p.primaryKey(s.PrimaryKey, true) })
	}
	if len(elems) > 0 {
		p.WriteString(" (")
		for i, f := range elems {
			if i > 0 {
				p.WriteByte(',')
			}
			p.WriteString("\n  ")
			f()
		}
		p.WriteString("\n)")
	}
	if s.Comment != nil {
		p.WriteString("\nCOMMENT ")
		p.str(s.Comment.Value)
	}
	if len(s.PartitionedBy) > 0 {
		p.WriteString("\nPARTITIONED BY ")
		p.identList(s.PartitionedBy)
	}
	if len(s.Options) > 0 {
		p.WriteString("\nWITH ")
		p.options(s.Options)
	}
	if s.Like != nil {
		p.WriteString("\nLIKE ")
		p.name(s.Like.Name.Parts)
		if len(s.Like.Options) > 0 {
			p.WriteString(" (" + strings.Join(s.Like.Options, ", ") + ")")
		}
	}
	if s.AsQuery != nil {
		p.WriteString("\nAS ")
		p.query(s.AsQuery)
	}
}

func (p *printer) column(c *ColumnDef) {
	p.ident(c.Name.Name)
	switch c.Kind {
	case ComputedColumn:
		p.WriteString(" AS ")
		p.expr(c.Expr, 0)
	default:
		p.WriteByte(' ')
		p.dataType(c.Type)
		if c.Kind == MetadataColumn {
			p.WriteString(" METADATA")
			if c.MetadataKey != nil {
				p.WriteString(" FROM ")
				p.str(c.MetadataKey.Value)
			}
			if c.Virtual {
				p.WriteString(" VIRTUAL")
			}
		}
	}
	if c.PrimaryKey != nil {
		p.WriteByte(' ')
		p.primaryKey(c.PrimaryKey, false)
	}
	if c.Comment != nil {
		p.WriteString(" COMMENT ")
		p.str(c.Comment.Value)
	}
}

func (p *printer) watermark(w *WatermarkDef) {
	p.WriteString("WATERMARK FOR ")
	p.name(w.Column.Parts)
	p.WriteString(" AS ")
	p.expr(w.Expr, 0)
}

func (p *printer) primaryKey(pk *PrimaryKey, withCols bool) {
	if pk.Constraint != nil {
		p.WriteString("CONSTRAINT ")
		p.ident(pk.Constraint.Name)
		p.WriteByte(' ')
	}
	p.WriteString("PRIMARY KEY")
	if withCols {
		p.WriteByte(' ')
		p.identList(pk.Columns)
	}
	if pk.NotEnforced {
		p.WriteString(" NOT ENFORCED")
	}
}

var showWords = map[ShowKind]string{
	ShowTables: "TABLES", ShowViews: "VIEWS", ShowFunctions: "FUNCTIONS", ShowCatalogs: "CATALOGS",
	ShowDatabases: "DATABASES", ShowCurrentCatalog: "CURRENT CATALOG",
	ShowCurrentDatabase: "CURRENT DATABASE", ShowCreateTable: "CREATE TABLE",
	ShowCreateView: "CREATE VIEW", ShowColumns: "COLUMNS", ShowModules: "MODULES", ShowJobs: "JOBS",
}

func (p *printer) show(s *Show) {
	p.WriteString("SHOW ")
	if s.User && s.Kind == ShowFunctions {
		p.WriteString("USER ")
	}
	if s.Full && s.Kind == ShowModules {
		p.WriteString("FULL ")
	}
	p.WriteString(showWords[s.Kind])
	switch s.Kind {
	case ShowCreateTable, ShowCreateView:
		p.WriteByte(' ')
		p.name(s.Name.Parts)
		return
	case ShowColumns:
		p.WriteString(" FROM ")
		p.name(s.Name.Parts)
	case ShowTables, ShowViews, ShowFunctions, ShowDatabases, ShowCatalogs:
		if s.Name != nil {
			p.WriteString(" FROM ")
			p.name(s.Name.Parts)
		}
	default:
		return
	}
	if s.Like != nil {
		if s.NotLike {
			p.WriteString(" NOT")
		}
		if s.ILike {
			p.WriteString(" ILIKE ")
		} else {
			p.WriteString(" LIKE ")
		}
		p.str(s.Like.Value)
	}
}
