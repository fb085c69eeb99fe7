Console.WriteLine("SmartElek Site");
